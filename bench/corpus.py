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


def add_record(root):
    """Gives a generated archive the business the registers list: an action
    (owner: the first presenter, due a month after the meeting) on every
    third item and a declaration on every tenth, in keys every Quorum
    version reads, so builds before and after the registers compare.
    Idempotent: an item that has them already is left alone."""
    import datetime
    import re as _re
    items = sorted(Path(root, "content").glob("*/*/[0-9]*.md"))
    for n, path in enumerate(items):
        text = path.read_text(encoding="utf-8")
        if "\nactions:" in text or "\ndeclarations:" in text:
            continue
        head, sep, body = text[4:].partition("\n---\n")
        presenter = _re.search(r'- name: "([^"]+)"', head)
        if not sep or not presenter:
            continue
        meeting = datetime.date.fromisoformat(path.parent.name[:10])
        due = meeting + datetime.timedelta(days=30)
        extra = ""
        if n % 3 == 0:
            extra += (f'actions:\n  - action: "Report back on item {n}"\n'
                      f'    owner: "{presenter.group(1)}"\n    due: {due}\n')
        if n % 10 == 0:
            extra += (f'declarations:\n  - member: "{presenter.group(1)}"\n'
                      f'    interest: "A relative works for a provider ({n})"\n')
        if extra:
            path.write_text("---\n" + head + "\n" + extra + "---\n" + body, encoding="utf-8")
