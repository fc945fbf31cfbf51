//! PDFs made for the tests and benchmarks with `lopdf`: pages of text in a
//! standard font, a title in the document information, and the broken and
//! image-only files real archives hold.
#![allow(dead_code)]

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

/// A PDF whose page N shows the lines of `pages[N]`, titled `title`.
pub fn pdf(title: Option<&str>, pages: &[&[&str]]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font },
    });
    let mut kids: Vec<Object> = Vec::new();
    for lines in pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("TL", vec![16.into()]),
            Operation::new("Td", vec![72.into(), 720.into()]),
        ];
        for line in *lines {
            operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations };
        let stream = Stream::new(dictionary! {}, content.encode().expect("content"));
        let content_id = doc.add_object(stream);
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog);
    if let Some(title) = title {
        let info = doc.add_object(dictionary! {
            "Title" => Object::string_literal(title),
        });
        doc.trailer.set("Info", info);
    }
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    bytes
}

/// A report of `n` pages, page N saying which it is and `words`.
pub fn report(n: usize, words: &str) -> Vec<u8> {
    let lines: Vec<Vec<String>> = (1..=n)
        .map(|p| vec![format!("Report page {p}."), format!("{words} {p}.")])
        .collect();
    let refs: Vec<Vec<&str>> = lines
        .iter()
        .map(|l| l.iter().map(String::as_str).collect())
        .collect();
    let pages: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    pdf(Some("Annual report"), &pages)
}

/// A PDF of pages with no text on them, as a scan is.
pub fn scan(pages: usize) -> Vec<u8> {
    let blank: Vec<&[&str]> = vec![&[]; pages];
    pdf(None, &blank)
}

/// A one-page PDF that opens only with `password`, encrypted with AES
/// (RC4 with `rc4`).
pub fn encrypted(password: &str) -> Vec<u8> {
    encrypted_with(password, false)
}

pub fn encrypted_rc4(password: &str) -> Vec<u8> {
    encrypted_with(password, true)
}

fn encrypted_with(password: &str, rc4: bool) -> Vec<u8> {
    use lopdf::encryption::crypt_filters::{Aes128CryptFilter, CryptFilter};
    use lopdf::{EncryptionState, EncryptionVersion, Permissions};
    use std::collections::BTreeMap;
    use std::sync::Arc;

    let bytes = pdf(None, &[&["Locked words."]]);
    let mut doc = Document::load_mem(&bytes).expect("load");
    let id = Object::string_literal("quorum-test-file-id");
    doc.trailer.set("ID", vec![id.clone(), id]);
    let filter: Arc<dyn CryptFilter> = Arc::new(Aes128CryptFilter);
    let version = if rc4 {
        EncryptionVersion::V2 {
            document: &doc,
            owner_password: password,
            user_password: password,
            key_length: 128,
            permissions: Permissions::all(),
        }
    } else {
        EncryptionVersion::V4 {
            document: &doc,
            encrypt_metadata: true,
            crypt_filters: BTreeMap::from([(b"StdCF".to_vec(), filter)]),
            stream_filter: b"StdCF".to_vec(),
            string_filter: b"StdCF".to_vec(),
            owner_password: password,
            user_password: password,
            permissions: Permissions::all(),
        }
    };
    let state = EncryptionState::try_from(version).expect("encryption");
    doc.encrypt(&state).expect("encrypt");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// A PDF whose page draws a drawing (a form XObject) that draws itself:
/// a reader that follows it recurses without end.
pub fn drawing_in_itself() -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let form_id = doc.new_object_id();
    let draw = Content {
        operations: vec![Operation::new("Do", vec!["X1".into()])],
    }
    .encode()
    .expect("content");
    let form = Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "X1" => form_id } },
        },
        draw.clone(),
    );
    doc.objects.insert(form_id, Object::Stream(form));
    let content_id = doc.add_object(Stream::new(dictionary! {}, draw));
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => dictionary! { "XObject" => dictionary! { "X1" => form_id } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page.into()],
            "Count" => 1,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    bytes
}
