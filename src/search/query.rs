//! The members' query language: words (all must match), `"exact
//! phrases"`, `OR`, `-excluded` (or `NOT excluded`), `(groups)` and the
//! field filters `title:`, `topic:`, `committee:` and `person:`; `AND` is
//! what words do anyway.
//!
//! Parsed here into a small tree; `search` compiles it to tantivy queries.
//!
//! Members type as they type everywhere else, so every input is answered:
//! [`read`] takes what cannot be parsed (an unclosed quote or bracket, a
//! dangling `OR` or `-`, an unknown `field:`, a pasted address) as plain
//! words, and says so. [`parse`] is the strict reading, for scripts that
//! want an error instead (`--strict`, `strict=1`).

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

/// A query as it is searched.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub expr: Expr,
    /// How the query was read, when that differs from what was typed: one
    /// plain sentence for the member.
    pub notice: Option<String>,
}

/// Reads `input` forgivingly: as the language says where it can, else as
/// its plain words (a query over the length limit is cut to it).
pub fn read(input: &str) -> Reading {
    let cut = input.chars().count() > MAX_QUERY_CHARS;
    let input: String = input.chars().take(MAX_QUERY_CHARS).collect();
    match parse(&input) {
        Ok(expr) => Reading {
            expr,
            notice: cut.then(|| {
                format!("Searched for the first {MAX_QUERY_CHARS} characters of the query.")
            }),
        },
        Err(e) => {
            let (words, excluded) = plain_words(&input);
            let notice = if words.is_empty() && excluded.is_empty() {
                format!(
                    "“{}” has no words to search for, so everything is shown.",
                    input.trim()
                )
            } else {
                let without = if excluded.is_empty() {
                    String::new()
                } else {
                    format!(" without {}", quoted_list(&excluded))
                };
                format!(
                    "Searched for {}{without} as plain words: {}.",
                    quoted_list(&words),
                    e.reason()
                )
            };
            let word = |text| Expr::Word { scope: None, text };
            let expr = Expr::And(
                (words.into_iter().map(word))
                    .chain(excluded.into_iter().map(|w| Expr::Not(Box::new(word(w)))))
                    .collect(),
            );
            Reading {
                expr,
                notice: Some(notice),
            }
        }
    }
}

/// The words of `input`, without the language's signs: what a query that
/// cannot be parsed is searched as; and the words to exclude (after `-`,
/// `!` or `NOT`), which stay excluded. A `field:` prefix and the parts of
/// a web address count as words.
fn plain_words(input: &str) -> (Vec<String>, Vec<String>) {
    let (mut words, mut excluded) = (Vec::new(), Vec::new());
    let mut negate_next = false;
    for chunk in input.split_whitespace() {
        if chunk == "NOT" {
            negate_next = true;
            continue;
        }
        let negated = std::mem::take(&mut negate_next)
            || chunk.trim_start_matches(['(', '"']).starts_with(['-', '!']);
        let parts = (chunk.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’'))
            .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
            .filter(|w| !w.is_empty() && !matches!(*w, "OR" | "AND" | "NOT"))
            .map(str::to_owned);
        if negated {
            excluded.extend(parts);
        } else {
            words.extend(parts);
        }
    }
    (words, excluded)
}

/// “a”, “b” and “c”.
fn quoted_list(words: &[String]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("“{w}”")).collect();
    match quoted.as_slice() {
        [] => "nothing".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl QueryError {
    /// Why the query could not be read as written, in a member's words.
    fn reason(&self) -> String {
        format!("{} (at character {})", self.message, self.position + 1).replace('`', "")
    }
}

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
        self.at_keyword("OR") || self.at_keyword("||")
    }

    /// Whether `keyword` (upper case, as the language writes it) stands
    /// here as a word of its own.
    fn at_keyword(&self, keyword: &str) -> bool {
        let n = keyword.chars().count();
        let rest: String = self.chars[self.pos..].iter().take(n + 1).collect();
        rest.starts_with(keyword)
            && rest
                .chars()
                .nth(n)
                .is_none_or(|c| c.is_whitespace() || matches!(c, '(' | ')' | '"'))
    }

    /// Skips an `AND` (or `&&`): words must all match anyway.
    fn skip_and(&mut self) -> bool {
        for keyword in ["AND", "&&"] {
            if self.at_keyword(keyword) {
                self.pos += keyword.len();
                self.skip_space();
                return true;
            }
        }
        false
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
            if self.skip_and() {
                if matches!(self.peek(), None | Some(')')) || self.at_or() {
                    return Err(self.error("`AND` needs a word on both sides"));
                }
                continue;
            }
            let mut alternatives = vec![self.unary(scope)?];
            loop {
                self.skip_space();
                if !self.at_or() {
                    break;
                }
                self.pos += 2;
                self.skip_space();
                if matches!(self.peek(), None | Some(')')) || self.at_or() || self.skip_and() {
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
        if self.at_keyword("NOT") {
            self.pos += 3;
            self.skip_space();
            if matches!(self.peek(), None | Some(')')) || self.at_or() {
                return Err(self.error("`NOT` must be followed by the word to exclude"));
            }
            return Ok(Expr::Not(Box::new(self.atom(scope)?)));
        }
        if let Some(sign @ ('-' | '!')) = self.peek() {
            self.pos += 1;
            if self.peek().is_none_or(char::is_whitespace) {
                return Err(self.error(&format!(
                    "`{sign}` must be followed by the word to exclude, e.g. {sign}budget"
                )));
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
                        message: "the `\"` that opens a phrase is never closed".into(),
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
                message: "a `(` is never closed".into(),
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
    fn and_and_not_work_as_people_expect() {
        let not_budget = Expr::Not(Box::new(word("budget")));
        assert_eq!(
            parse("ofsted AND NOT budget").unwrap(),
            Expr::And(vec![word("ofsted"), not_budget.clone()])
        );
        assert_eq!(
            parse("ofsted && !budget").unwrap(),
            Expr::And(vec![word("ofsted"), not_budget.clone()])
        );
        assert_eq!(parse("NOT budget").unwrap(), not_budget);
        // As words inside others, and in lower case, they are words.
        assert_eq!(
            parse("NOTICE and not").unwrap(),
            Expr::And(vec![word("NOTICE"), word("and"), word("not")])
        );
        assert!(parse("a AND").is_err() && parse("a NOT").is_err());
    }

    #[test]
    fn what_cannot_be_parsed_is_read_as_plain_words_and_said() {
        for (typed, words) in [
            ("\"home to school", &["home", "to", "school"][..]),
            ("(CAMHS", &["CAMHS"]),
            ("fostering OR", &["fostering"]),
            ("budget -", &["budget"]),
            ("Item 8: CAMHS", &["Item", "8", "CAMHS"]),
            ("colour:red", &["colour", "red"]),
            (
                "https://www.blackpool.gov.uk/minutes?id=7",
                &[
                    "https",
                    "www",
                    "blackpool",
                    "gov",
                    "uk",
                    "minutes",
                    "id",
                    "7",
                ],
            ),
            ("children's OR", &["children's"]),
        ] {
            let reading = read(typed);
            let expected = Expr::And(
                (words.iter())
                    .map(|w| Expr::Word {
                        scope: None,
                        text: (*w).to_owned(),
                    })
                    .collect(),
            );
            // "Item 8: CAMHS" parses as it is: `8:` is no field name.
            if parse(typed).is_ok() {
                assert_eq!(reading.notice, None, "{typed}");
                continue;
            }
            assert_eq!(reading.expr, expected, "{typed}");
            let notice = reading.notice.expect("a notice");
            assert!(notice.starts_with("Searched for “"), "{notice}");
        }
        // Exclusions stay exclusions.
        let reading = read("fostering -(agency");
        assert_eq!(
            reading.expr,
            Expr::And(vec![word("fostering"), Expr::Not(Box::new(word("agency")))])
        );
        assert!((reading.notice.unwrap()).starts_with("Searched for “fostering” without “agency”"));
        assert_eq!(
            read("ofsted NOT \"budget").expr,
            Expr::And(vec![word("ofsted"), Expr::Not(Box::new(word("budget")))])
        );
        // Keywords before a closing bracket are keywords.
        assert!(parse("(fostering OR)").is_err() && parse("(a AND)").is_err());
        assert!(parse("budget !").unwrap_err().message.contains("`!`"));
        assert_eq!(
            read(" OR ").notice.as_deref(),
            Some("“OR” has no words to search for, so everything is shown.")
        );
        let notice = read("\"home to school").notice.unwrap();
        assert_eq!(
            notice,
            "Searched for “home”, “to” and “school” as plain words: \
             the \" that opens a phrase is never closed (at character 1)."
        );
        assert_eq!(read("plain words").notice, None);
        assert_eq!(
            read(&"a ".repeat(600)).notice.as_deref(),
            Some("Searched for the first 1000 characters of the query.")
        );
    }

    #[test]
    fn empty_query_matches_everything() {
        assert_eq!(parse("  ").unwrap(), Expr::And(vec![]));
    }
}
