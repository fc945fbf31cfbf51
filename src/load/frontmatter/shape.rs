//! A cheap, linear look at the shape of front matter before the YAML
//! parser sees it.
//!
//! The YAML library's scanner (libyaml's, in serde_yaml_ng) is quadratic in
//! nesting depth (100,000 nested `[` took a minute), so depth is capped here
//! first. The same pass notes what
//! the parser reports badly: where an unclosed `[`, `{` or quote opened (the
//! parser only notices at the closing fence) and the first line indented
//! with a tab.
//!
//! This is not a YAML parser: it follows quotes, comments, flow brackets,
//! block indentation and block scalars (`|`, `>`) just well enough to count
//! depth without being fooled by text such as `Children's services [draft`.

/// Deeper than this is refused: real front matter needs three or four.
pub const MAX_DEPTH: usize = 32;

/// A place in the YAML: 0-based line, 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// Nesting passed [`MAX_DEPTH`]; `at` is where the too-deep nest
    /// starts (its outermost `[`/`{`, or the line indented too deep).
    #[error("front matter is nested more than {MAX_DEPTH} levels deep")]
    TooDeep { at: Position },
}

/// What the scan noticed about front matter that was not too deep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    /// The outermost `[` or `{` never closed, and which it was.
    pub unclosed_bracket: Option<(Position, char)>,
    /// A quote never closed, and which quote character.
    pub unclosed_quote: Option<(Position, char)>,
    /// The first line whose indentation holds a tab.
    pub tab_indent: Option<Position>,
}

/// Where the scan is between characters.
#[derive(Debug, Default)]
struct Scanner {
    shape: Shape,
    /// The open quote: its character and where it opened.
    quote: Option<(char, Position)>,
    /// Open flow brackets, and where the outermost opened (while any is).
    flow_depth: usize,
    flow_start: Option<(Position, char)>,
    /// The characters of the line being scanned, one buffer for them all:
    /// the scan runs on the front matter of every file.
    chars: Vec<char>,
    /// Columns of the open block levels, innermost last.
    block_columns: Vec<usize>,
    /// Inside a block scalar whose header line was indented this much:
    /// more-indented lines are text, not structure.
    block_scalar_parent: Option<usize>,
}

/// Scans `yaml` in one pass, refusing nesting deeper than [`MAX_DEPTH`].
pub fn scan(yaml: &str) -> Result<Shape, ShapeError> {
    let mut scanner = Scanner::default();
    for (line, text) in yaml.split('\n').enumerate() {
        scanner.line(line, text.strip_suffix('\r').unwrap_or(text))?;
    }
    let mut shape = scanner.shape;
    shape.unclosed_quote = scanner.quote.map(|(quote, at)| (at, quote));
    // Set while a bracket is open, so still set if one was never closed.
    shape.unclosed_bracket = scanner.flow_start;
    Ok(shape)
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

impl Scanner {
    fn depth(&self) -> usize {
        self.block_columns.len() + self.flow_depth
    }

    fn line(&mut self, line: usize, text: &str) -> Result<(), ShapeError> {
        let mut chars = std::mem::take(&mut self.chars);
        chars.clear();
        chars.extend(text.chars());
        let scanned = self.line_chars(line, &chars);
        self.chars = chars;
        scanned
    }

    fn line_chars(&mut self, line: usize, chars: &[char]) -> Result<(), ShapeError> {
        let indent = chars.iter().take_while(|&&c| is_blank(c)).count();
        let content = chars.get(indent).copied();
        if let Some(parent) = self.block_scalar_parent {
            if content.is_none() || indent > parent {
                return Ok(());
            }
            self.block_scalar_parent = None;
        }
        let mut start = 0;
        if self.quote.is_none() && self.flow_depth == 0 {
            match content {
                None | Some('#') => return Ok(()),
                Some(_) => {}
            }
            if let Some(tab) = chars[..indent].iter().position(|&c| c == '\t') {
                self.shape.tab_indent.get_or_insert(Position {
                    line,
                    column: tab + 1,
                });
            }
            start = self.block_levels(line, chars, indent)?;
        }
        self.tokens(line, chars, start, indent)
    }

    /// Updates the open block levels for a line of block structure whose
    /// content starts at `indent`, counting each leading `- ` as a level of
    /// its own; returns where the line's first token starts.
    fn block_levels(
        &mut self,
        line: usize,
        chars: &[char],
        indent: usize,
    ) -> Result<usize, ShapeError> {
        while self.block_columns.last().is_some_and(|&c| c > indent) {
            self.block_columns.pop();
        }
        let mut column = indent;
        loop {
            if self.block_columns.last() != Some(&column) {
                self.block_columns.push(column);
            }
            if self.depth() > MAX_DEPTH {
                return Err(ShapeError::TooDeep {
                    at: Position {
                        line,
                        column: column + 1,
                    },
                });
            }
            let is_entry = chars.get(column) == Some(&'-')
                && chars.get(column + 1).is_none_or(|&c| is_blank(c));
            if !is_entry {
                return Ok(column);
            }
            let next = column
                + 1
                + chars[column + 1..]
                    .iter()
                    .take_while(|&&c| is_blank(c))
                    .count();
            if next >= chars.len() {
                return Ok(next);
            }
            column = next;
        }
    }

    /// Follows quotes, comments and flow brackets through `chars[start..]`.
    fn tokens(
        &mut self,
        line: usize,
        chars: &[char],
        start: usize,
        indent: usize,
    ) -> Result<(), ShapeError> {
        // The last character that was not a blank, and whether a blank
        // followed it: a quote, bracket or `|` only opens something where
        // a value may start, not in the middle of plain text.
        let mut previous: Option<char> = None;
        let mut blank_after_previous = false;
        let mut i = start;
        while i < chars.len() {
            let c = chars[i];
            let at = Position {
                line,
                column: i + 1,
            };
            if let Some((quote, _)) = self.quote {
                match (quote, c) {
                    ('"', '\\') => i += 1,
                    ('"', '"') => self.quote = None,
                    ('\'', '\'') if chars.get(i + 1) == Some(&'\'') => i += 1,
                    ('\'', '\'') => self.quote = None,
                    _ => {}
                }
                if self.quote.is_none() {
                    previous = Some(c);
                    blank_after_previous = false;
                }
                i += 1;
                continue;
            }
            if is_blank(c) {
                blank_after_previous = true;
                i += 1;
                continue;
            }
            let in_flow = self.flow_depth > 0;
            let value_starts = match previous {
                None => true,
                Some('[' | '{' | ',') => true,
                Some(':') => blank_after_previous || in_flow,
                Some('-' | '?') => blank_after_previous,
                _ => false,
            };
            match c {
                '#' if previous.is_none() || blank_after_previous => return Ok(()),
                '"' | '\'' if value_starts => self.quote = Some((c, at)),
                // In flow context plain text cannot hold brackets, so every
                // one counts; in block context only one opening a value.
                '[' | '{' if in_flow || value_starts => {
                    self.flow_depth += 1;
                    if self.flow_depth == 1 {
                        self.flow_start = Some((at, c));
                    }
                    if self.depth() > MAX_DEPTH {
                        let start = self.flow_start.map_or(at, |(p, _)| p);
                        return Err(ShapeError::TooDeep { at: start });
                    }
                }
                ']' | '}' if in_flow => {
                    self.flow_depth -= 1;
                    if self.flow_depth == 0 {
                        self.flow_start = None;
                    }
                }
                '|' | '>'
                    if !in_flow && value_starts && is_block_scalar_header(&chars[i + 1..]) =>
                {
                    self.block_scalar_parent = Some(indent);
                    return Ok(());
                }
                _ => {}
            }
            previous = Some(c);
            blank_after_previous = false;
            i += 1;
        }
        Ok(())
    }
}

/// Whether what follows a `|` or `>` makes it a block scalar header:
/// optional chomping and indentation indicators, then nothing or a comment.
fn is_block_scalar_header(rest: &[char]) -> bool {
    let indicators = rest
        .iter()
        .take_while(|&&c| c == '+' || c == '-' || c.is_ascii_digit())
        .count();
    let after = &rest[indicators..];
    let blanks = after.iter().take_while(|&&c| is_blank(c)).count();
    match after.get(blanks) {
        None => true,
        Some('#') => blanks > 0,
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn ordinary_front_matter_is_shallow_and_closed() {
        let yaml = "title: Children's services [draft\npurpose: \"It's [fine\"\n\
                    topics: [Budget, 'Looked after, [children']\n\
                    presenters:\n  - {name: Diane Booth, role: Director}\n\
                    actions:\n  - action: Circulate\n    due: 2024-02-01\n\
                    extra:\n  note: |\n    [[[[ text\n      - - - -\n  other: 1 # [ comment\n";
        assert_eq!(scan(yaml), Ok(Shape::default()));
    }

    #[test]
    fn deep_flow_nesting_is_refused_at_its_outermost_bracket() {
        let yaml = format!("title: A\ntopics: {}", "[".repeat(100_000));
        assert_eq!(scan(&yaml), Err(ShapeError::TooDeep { at: at(1, 9) }));
        let yaml = format!("title: A\nextra: {}", "{a: [".repeat(20));
        assert_eq!(scan(&yaml), Err(ShapeError::TooDeep { at: at(1, 8) }));
        let yaml = format!("topics: {}{}", "[".repeat(31), "]".repeat(31));
        assert_eq!(scan(&yaml), Ok(Shape::default()));
    }

    #[test]
    fn deep_block_nesting_is_refused_where_it_passes_the_limit() {
        let mut yaml = String::from("extra:\n");
        for level in 1..40 {
            yaml.push_str(&format!("{}k:\n", " ".repeat(level)));
        }
        assert_eq!(scan(&yaml), Err(ShapeError::TooDeep { at: at(32, 33) }));
        let yaml = format!("extra:\n  {}x\n", "- ".repeat(40));
        assert!(matches!(scan(&yaml), Err(ShapeError::TooDeep { .. })));
    }

    #[test]
    fn unclosed_brackets_and_quotes_are_found_where_they_open() {
        let shape = scan("title: A\ntopics: [Budget, {a: b}\npurpose: x\n").unwrap();
        assert_eq!(shape.unclosed_bracket, Some((at(1, 9), '[')));
        let shape = scan("title: \"Unclosed\npurpose: x\n").unwrap();
        assert_eq!(shape.unclosed_quote, Some((at(0, 8), '"')));
        let shape = scan("title: 'It''s'\npurpose: \"a \\\" b\"\n").unwrap();
        assert_eq!(shape, Shape::default());
    }

    #[test]
    fn a_tab_in_indentation_is_noted() {
        let shape = scan("title: A\npresenters:\n\t- Diane Booth\n").unwrap();
        assert_eq!(shape.tab_indent, Some(at(2, 1)));
        let shape = scan("title: A\t# tab after a value\n").unwrap();
        assert_eq!(shape.tab_indent, None);
    }
}
