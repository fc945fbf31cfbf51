//! Snapshot tests of rendered pages: any change to the default theme or the
//! page contexts shows up as a reviewable diff (`cargo insta review`).

mod common;

use common::*;

#[test]
fn item_page() {
    let dir = fixture("basic");
    build_ok(dir.path());
    insta::assert_snapshot!(page(dir.path(), "/finance/2024-01-10/budget/"));
}

#[test]
fn meeting_page() {
    let dir = fixture("basic");
    build_ok(dir.path());
    insta::assert_snapshot!(page(dir.path(), "/finance/2024-01-10/"));
}
