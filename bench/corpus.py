"""The generated archive as Quorum takes it.

gen_corpus.py cuts slugs at 60 characters, so now and then two items of
one meeting get the same slug (4 pairs in the 10k archive of seed 1).
Quorum refuses that (each item needs an address of its own that does not
depend on file order), as a clerk would be told to: the later item of each
pair is renamed `NN-<slug>-NN.md`. The generator writes no supporting
folders or references to items, so nothing else needs to follow.
"""

import re
from collections import defaultdict
from pathlib import Path

ITEM = re.compile(r"^(\d+)-(.+)\.md$")


def unique_slugs(root):
    """Renames items whose slug another item of their meeting has; returns
    how many were renamed."""
    renamed = 0
    for meeting in sorted(Path(root, "content").glob("*/*/")):
        by_slug = defaultdict(list)
        for item in sorted(meeting.glob("[0-9]*.md")):
            m = ITEM.match(item.name)
            if m:
                by_slug[m.group(2)].append((m.group(1), item))
        for slug, items in by_slug.items():
            for number, item in items[1:]:
                item.rename(item.with_name(f"{number}-{slug}-{int(number)}.md"))
                renamed += 1
    return renamed
