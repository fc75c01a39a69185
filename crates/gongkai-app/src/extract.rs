//! Text of attachments, for the personal-data scan and the search index: plain text as is, Word,
//! Excel and PowerPoint (Office Open XML) from their XML parts, PDF through `lopdf`. Images,
//! scanned PDFs (no text layer) and legacy Office files are not read; the console says so, so the
//! reviewer checks them by eye.

use std::io::{Cursor, Read};

/// Largest XML part read from an Office file (a zip bomb must not exhaust memory).
const MAX_PART: u64 = 32 * 1024 * 1024;

/// Whether an attachment's text was read for the personal-data scan: always for text and Office
/// files, for a PDF only when it had a text layer.
pub fn scanned(content_type: &str, extracted_text: &str) -> bool {
    match content_type {
        "application/pdf" => !extracted_text.trim().is_empty(),
        t => t.starts_with("text/") || t.contains("openxmlformats"),
    }
}

/// The text of a file of `content_type`, or `None` when this kind cannot be read.
pub fn text_of(content_type: &str, bytes: &[u8]) -> Option<String> {
    match content_type {
        "text/plain" | "text/csv" => Some(String::from_utf8_lossy(bytes).into_owned()),
        t if t.contains("wordprocessingml") => ooxml(bytes, |n| n == "word/document.xml"),
        t if t.contains("spreadsheetml") => ooxml(bytes, |n| {
            n == "xl/sharedStrings.xml" || (n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        }),
        t if t.contains("presentationml") => ooxml(bytes, |n| {
            n.starts_with("ppt/slides/slide") && n.ends_with(".xml")
        }),
        "application/pdf" => pdf(bytes),
        _ => None,
    }
}

/// Pages of a PDF read; the rest of a longer document is not.
const MAX_PDF_PAGES: usize = 300;
/// Decompressed bytes allowed per page's content.
const MAX_PDF_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// Characters of text kept from one PDF.
const MAX_PDF_TEXT: usize = 2 * 1024 * 1024;

/// The text layer of a PDF, page by page, with every cost bounded: pages read, decompressed
/// bytes per page (a PDF bomb must not exhaust memory) and text kept. Public uploads reach this.
/// A parser panic on a malformed file reads as "no text".
fn pdf(bytes: &[u8]) -> Option<String> {
    std::panic::catch_unwind(|| {
        let doc = lopdf::Document::load_mem(bytes).ok()?;
        let mut out = String::new();
        for page in doc.get_pages().keys().take(MAX_PDF_PAGES) {
            if let Ok(text) = doc.extract_text_with_limit(&[*page], MAX_PDF_PAGE_BYTES) {
                out.push_str(&text);
            }
            if out.len() >= MAX_PDF_TEXT {
                let mut cut = MAX_PDF_TEXT;
                while !out.is_char_boundary(cut) {
                    cut -= 1;
                }
                out.truncate(cut);
                break;
            }
        }
        Some(out)
    })
    .ok()
    .flatten()
}

fn ooxml(bytes: &[u8], wanted: impl Fn(&str) -> bool) -> Option<String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut out = String::new();
    for i in 0..archive.len() {
        let Ok(file) = archive.by_index(i) else {
            continue;
        };
        if !file.name().is_ok_and(|n| wanted(&n)) {
            continue;
        }
        let mut xml = String::new();
        if file.take(MAX_PART).read_to_string(&mut xml).is_ok() {
            out.push_str(&xml_text(&xml));
            out.push('\n');
        }
    }
    Some(out)
}

/// The character data of an XML document: paragraphs and rows become lines, cells are separated
/// by tabs, entities are decoded.
fn xml_text(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() / 4);
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        match tag.split([' ', '/']).find(|s| !s.is_empty()).unwrap_or("") {
            "w:p" | "row" | "a:p" | "si" if tag.starts_with('/') || tag.ends_with('/') => {
                out.push('\n');
            }
            "c" | "w:tab" if tag.starts_with('/') || tag.ends_with('/') => out.push('\t'),
            _ => {}
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&decode(rest));
    out
}

/// Decodes the five XML entities and numeric character references (`&#28023;`, `&#x6D77;`),
/// which some writers use for every non-ASCII character.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|end| *end <= 12).and_then(|end| {
            let c = match &rest[1..end] {
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "amp" => '&',
                e => {
                    let n = match e.strip_prefix("#x").or_else(|| e.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => e.strip_prefix('#')?.parse().ok()?,
                    };
                    char::from_u32(n)?
                }
            };
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::text_of;

    fn zip(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, body) in parts {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("start");
            w.write_all(body.as_bytes()).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    #[test]
    fn word_paragraphs_become_lines() {
        let doc = zip(&[(
            "word/document.xml",
            "<w:document><w:body><w:p><w:r><w:t>姓名：张三</w:t></w:r></w:p>\
             <w:p><w:r><w:t>电话 139</w:t></w:r><w:r><w:t>57012345 &amp; 备注</w:t></w:r></w:p>\
             </w:body></w:document>",
        )]);
        let text = text_of(DOCX, &doc).expect("docx text");
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            ["姓名：张三", "电话 13957012345 & 备注", ""]
        );
    }

    #[test]
    fn excel_strings_and_numbers_are_read() {
        let book = zip(&[
            (
                "xl/sharedStrings.xml",
                "<sst><si><t>身份证号</t></si><si><t>11010519491231002X</t></si></sst>",
            ),
            (
                "xl/worksheets/sheet1.xml",
                "<worksheet><sheetData><row><c t=\"s\"><v>0</v></c><c><v>13957012345</v></c></row></sheetData></worksheet>",
            ),
        ]);
        let text = text_of(XLSX, &book).expect("xlsx text");
        assert!(text.contains("11010519491231002X"), "{text}");
        assert!(text.contains("13957012345"), "{text}");
    }

    #[test]
    fn entities_and_character_references_are_decoded() {
        assert_eq!(
            super::decode("&#28023;&#x5DDE; a&amp;b &lt;c&gt; & &bogus; &#xZZ;"),
            "海州 a&b <c> & &bogus; &#xZZ;"
        );
    }

    #[test]
    fn pdf_text_layers_are_read() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../gongkai/demo/attachments");
        let bytes =
            std::fs::read(dir.join("海州市住房公积金2025年年度报告.pdf")).expect("demo pdf");
        let text = text_of("application/pdf", &bytes).expect("pdf text");
        assert!(text.contains("公积金"), "{text}");
    }

    #[test]
    fn unreadable_kinds_and_broken_files() {
        assert_eq!(text_of("application/pdf", b"%PDF-1.4"), None);
        assert!(!super::scanned("application/pdf", " \n"));
        assert!(super::scanned("application/pdf", "正文"));
        assert!(!super::scanned("image/png", ""));
        assert_eq!(text_of(DOCX, b"not a zip"), None);
        assert_eq!(
            text_of("text/plain", "纯文本".as_bytes()).as_deref(),
            Some("纯文本")
        );
    }
}
