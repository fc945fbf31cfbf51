//! The members' query language: words (all must match), `"exact
//! phrases"`, `OR`, `-excluded`, `(groups)` and the field filters `title:`,
//! `topic:`, `committee:` and `person:`.
//!
//! Parsed here into a small tree; `search` compiles it to tantivy queries.

use std::fmt;

/// Which field a word or phrase is restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Title,
    Topic,
    Committee,
    Person,
}

impl Scope {
    pub const NAMES: &'static [&'static str] = &["title", "topic", "committee", "person"];

    fn from_name(name: &str) -> Option<Scope> {
        match name.to_ascii_lowercase().as_str() {
            "title" => Some(Scope::Title),
            "topic" | "topics" => Some(Scope::Topic),
            "committee" => Some(Scope::Committee),
            "person" | "people" => Some(Scope::Person),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Every part must match (the default between words).
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Word {
        scope: Option<Scope>,
        text: String,
    },
    Phrase {
        scope: Option<Scope>,
        text: String,
    },
}

/// A malformed query, with the character position it was noticed at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct QueryError {
    pub message: String,
    /// 0-based character offset in the query.
    pub position: usize,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.position + 1)
    }
}

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;

/// Parses `input`. An empty query gives an empty `And` (matches everything).
pub fn parse(input: &str) -> Result<Expr, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return Err(QueryError {
            message: format!("the query is longer than {MAX_QUERY_CHARS} characters"),
            position: MAX_QUERY_CHARS,
        });
    }
    let mut p = Parser {
        chars,
        pos: 0,
        depth: 0,
    };
    let expr = p.sequence(None)?;
    p.skip_space();
    if p.pos < p.chars.len() {
        return Err(p.error("`)` has no matching `(`"));
    }
    Ok(expr)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 20;

impl Parser {
    fn error(&self, message: &str) -> QueryError {
        QueryError {
            message: message.to_owned(),
            position: self.pos,
        }
    }

    fn skip_space(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn at_or(&self) -> bool {
        let rest: String = self.chars[self.pos..].iter().take(3).collect();
        rest.starts_with("OR")
            && rest
                .chars()
                .nth(2)
                .is_none_or(|c| c.is_whitespace() || c == '(' || c == '"')
    }

    /// Clauses until the end or a closing `)`.
    fn sequence(&mut self, scope: Option<Scope>) -> Result<Expr, QueryError> {
        let mut clauses = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                None | Some(')') => break,
                _ => {}
            }
            if self.at_or() {
                return Err(self.error("`OR` needs a word on both sides"));
            }
            let mut alternatives = vec![self.unary(scope)?];
            loop {
                self.skip_space();
                if !self.at_or() {
                    break;
                }
                self.pos += 2;
                self.skip_space();
                if matches!(self.peek(), None | Some(')')) || self.at_or() {
                    return Err(self.error("`OR` needs a word on both sides"));
                }
                alternatives.push(self.unary(scope)?);
            }
            clauses.push(if alternatives.len() == 1 {
                alternatives.remove(0)
            } else {
                Expr::Or(alternatives)
            });
        }
        Ok(if clauses.len() == 1 {
            clauses.remove(0)
        } else {
            Expr::And(clauses)
        })
    }

    fn unary(&mut self, scope: Option<Scope>) -> Result<Expr, QueryError> {
        if self.peek() == Some('-') {
            self.pos += 1;
            if matches!(self.peek(), None | Some(' ')) {
                return Err(self.error("`-` must be followed by the word to exclude, e.g. -budget"));
            }
            return Ok(Expr::Not(Box::new(self.atom(scope)?)));
        }
        self.atom(scope)
    }

    fn atom(&mut self, scope: Option<Scope>) -> Result<Expr, QueryError> {
        match self.peek() {
            Some('"') => self.phrase(scope),
            Some('(') => self.group(scope),
            _ => {
                let start = self.pos;
                let mut word = String::new();
                while let Some(c) = self.peek() {
                    if c.is_whitespace() || c == '(' || c == ')' || c == '"' {
                        break;
                    }
                    if c == ':' {
                        if let Some(s) = Scope::from_name(&word) {
                            if scope.is_some() {
                                return Err(QueryError {
                                    message: "a field filter cannot be nested in another".into(),
                                    position: start,
                                });
                            }
                            self.pos += 1;
                            return self.scoped(s, start);
                        }
                        if !word.is_empty() && word.chars().all(char::is_alphabetic) {
                            return Err(QueryError {
                                message: format!(
                                    "unknown field `{word}:`; the fields are {}",
                                    Scope::NAMES
                                        .iter()
                                        .map(|n| format!("{n}:"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                                position: start,
                            });
                        }
                    }
                    word.push(c);
                    self.pos += 1;
                }
                if word.is_empty() {
                    return Err(self.error("expected a word here"));
                }
                Ok(Expr::Word { scope, text: word })
            }
        }
    }

    fn scoped(&mut self, scope: Scope, start: usize) -> Result<Expr, QueryError> {
        match self.peek() {
            None => Err(QueryError {
                message: format!(
                    "`{}:` needs a word, a \"phrase\" or a (group) after it",
                    Scope::NAMES[scope as usize]
                ),
                position: start,
            }),
            Some(c) if c.is_whitespace() || c == ')' => Err(QueryError {
                message: format!(
                    "`{}:` needs a word, a \"phrase\" or a (group) right after it, without a space",
                    Scope::NAMES[scope as usize]
                ),
                position: start,
            }),
            _ => self.atom(Some(scope)),
        }
    }

    fn phrase(&mut self, scope: Option<Scope>) -> Result<Expr, QueryError> {
        let open = self.pos;
        self.pos += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(QueryError {
                        message: "the phrase opened here is never closed with `\"`".into(),
                        position: open,
                    });
                }
                Some('"') => {
                    self.pos += 1;
                    break;
                }
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        if text.trim().is_empty() {
            return Err(QueryError {
                message: "the phrase is empty".into(),
                position: open,
            });
        }
        Ok(Expr::Phrase { scope, text })
    }

    fn group(&mut self, scope: Option<Scope>) -> Result<Expr, QueryError> {
        let open = self.pos;
        self.pos += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("too many nested groups"));
        }
        let inner = self.sequence(scope)?;
        self.depth -= 1;
        if self.peek() != Some(')') {
            return Err(QueryError {
                message: "the `(` opened here is never closed".into(),
                position: open,
            });
        }
        self.pos += 1;
        if inner == Expr::And(Vec::new()) {
            return Err(QueryError {
                message: "the group is empty".into(),
                position: open,
            });
        }
        Ok(inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(t: &str) -> Expr {
        Expr::Word {
            scope: None,
            text: t.into(),
        }
    }

    #[test]
    fn words_phrases_or_and_not() {
        assert_eq!(
            parse(r#"looked "after children" OR care -budget"#).unwrap(),
            Expr::And(vec![
                word("looked"),
                Expr::Or(vec![
                    Expr::Phrase {
                        scope: None,
                        text: "after children".into()
                    },
                    word("care")
                ]),
                Expr::Not(Box::new(word("budget"))),
            ])
        );
    }

    #[test]
    fn field_filters_and_groups() {
        assert_eq!(
            parse("title:(ofsted inspection) topic:\"looked after children\"").unwrap(),
            Expr::And(vec![
                Expr::And(vec![
                    Expr::Word {
                        scope: Some(Scope::Title),
                        text: "ofsted".into()
                    },
                    Expr::Word {
                        scope: Some(Scope::Title),
                        text: "inspection".into()
                    },
                ]),
                Expr::Phrase {
                    scope: Some(Scope::Topic),
                    text: "looked after children".into()
                },
            ])
        );
        assert_eq!(parse("10:30").unwrap(), word("10:30"));
    }

    #[test]
    fn malformed_queries_are_clear_errors() {
        for (q, fragment) in [
            ("title:(", "never closed"),
            ("title:", "needs a word"),
            ("\"open phrase", "never closed"),
            ("a OR", "both sides"),
            ("OR a", "both sides"),
            ("color:red", "unknown field `color:`"),
            ("a )", "no matching"),
            ("()", "empty"),
        ] {
            let e = parse(q).expect_err(q);
            assert!(e.message.contains(fragment), "{q}: {}", e.message);
        }
        assert!(parse(&"a ".repeat(600)).is_err());
        assert!(parse(&"(".repeat(100)).is_err());
    }

    #[test]
    fn empty_query_matches_everything() {
        assert_eq!(parse("  ").unwrap(), Expr::And(vec![]));
    }
}
