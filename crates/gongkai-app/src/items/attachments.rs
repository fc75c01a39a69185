//! Attachments (附件): bounded in size, typed by their content (not their name), stored by hash.

use gongkai_domain::FieldError;
use gongkai_domain::item::ItemStatus;
use gongkai_domain::role::{Action, Actor};
use gongkai_store::attachments::{self as store_att, AttachmentRow, NewAttachment};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{record, status_of};
use crate::{App, AppError, AppResult, Origin, now_ms};

/// An attachment's metadata.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub id: i64,
    pub item_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// Its text was read for the personal-data scan (see `extract::scanned`).
    pub scanned: bool,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Self {
        Attachment {
            scanned: crate::extract::scanned(&r.content_type, &r.extracted_text),
            id: r.id,
            item_id: r.item_id,
            filename: r.filename,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
        }
    }
}

/// A downloadable file.
pub struct AttachmentFile {
    pub meta: Attachment,
    pub bytes: Vec<u8>,
    /// The item is published: the file may be cached by shared caches.
    pub public: bool,
}

/// File kinds a government site publishes, by extension, with the MIME type their content must
/// show. Plain text has no signature: it must be valid UTF-8 and carry no binary signature.
const ALLOWED: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("doc", "application/msword"),
    ("xls", "application/vnd.ms-excel"),
    ("ofd", "application/zip"),
    ("zip", "application/zip"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
];

/// Checks the bytes against the name's extension; returns the MIME type to serve.
pub fn check_type(filename: &str, bytes: &[u8]) -> Option<&'static str> {
    let ext = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    let (_, mime) = ALLOWED.iter().find(|(e, _)| *e == ext)?;
    let detected = infer::get(bytes).map(|t| t.mime_type());
    let ok = match *mime {
        "text/plain" | "text/csv" => detected.is_none() && std::str::from_utf8(bytes).is_ok(),
        // Legacy Office files are OLE compound documents; infer names them by their container.
        "application/msword" | "application/vnd.ms-excel" => matches!(
            detected,
            Some("application/msword" | "application/vnd.ms-excel" | "application/x-ole-storage")
        ),
        "application/zip" => matches!(detected, Some("application/zip")),
        // Office Open XML is a zip; signature sniffers only recognise it when the main part comes
        // first, which many writers (python-docx, LibreOffice) do not do. Accept a zip that
        // contains the format's main part.
        m if m.starts_with("application/vnd.openxmlformats") => {
            detected == Some(m)
                || (detected == Some("application/zip") && contains(bytes, ooxml_part(&ext)))
        }
        m => detected == Some(m),
    };
    ok.then_some(*mime)
}

/// The main part every file of an Office Open XML kind contains.
fn ooxml_part(ext: &str) -> &'static [u8] {
    match ext {
        "docx" => b"word/document.xml",
        "xlsx" => b"xl/workbook.xml",
        _ => b"ppt/presentation.xml",
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A checked file whose bytes are already in the blob store.
pub(crate) struct AcceptedFile {
    pub(crate) filename: String,
    pub(crate) content_type: &'static str,
    pub(crate) size: usize,
    pub(crate) sha256: String,
    pub(crate) extracted_text: String,
}

/// Writes the attachment row and its audit record.
pub(crate) async fn insert_accepted(
    conn: &mut gongkai_store::Conn,
    actor: &Actor,
    origin: &Origin,
    item_id: i64,
    f: &AcceptedFile,
    now: i64,
) -> AppResult<i64> {
    let id = insert_row(conn, item_id, f, now).await?;
    record(
        conn,
        actor,
        origin,
        "item.attach",
        item_id,
        "",
        &attach_audit(id, f),
        now,
    )
    .await?;
    Ok(id)
}

/// Writes the attachment row only; the caller records [`attach_audit`].
pub(crate) async fn insert_row(
    conn: &mut gongkai_store::Conn,
    item_id: i64,
    f: &AcceptedFile,
    now: i64,
) -> AppResult<i64> {
    Ok(store_att::insert(
        conn,
        &NewAttachment {
            item_id,
            filename: &f.filename,
            content_type: f.content_type,
            size_bytes: i64::try_from(f.size).unwrap_or(i64::MAX),
            sha256: &f.sha256,
            extracted_text: &f.extracted_text,
            now_ms: now,
        },
    )
    .await?)
}

/// The "after" state of an `item.attach` audit record.
pub(crate) fn attach_audit(id: i64, f: &AcceptedFile) -> String {
    serde_json::json!({"attachment": id, "filename": f.filename, "sha256": f.sha256,
        "size": f.size, "content_type": f.content_type})
    .to_string()
}

/// The file name without any path, control characters or excessive length.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    cleaned.trim().to_owned()
}

impl App {
    /// Attaches a file to a draft of the actor's body.
    pub async fn add_attachment(
        &self,
        actor: &Actor,
        origin: &Origin,
        item_id: i64,
        filename: &str,
        bytes: &[u8],
    ) -> AppResult<i64> {
        let file = self.accept_file(filename, bytes).await?;
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let row = self
            .authorised_any(&mut tx, actor, item_id, &[Action::EditItem])
            .await?;
        if status_of(&row)? != ItemStatus::Draft {
            return Err(AppError::InvalidState("只能为草稿添加附件".into()));
        }
        let id = insert_accepted(&mut tx, actor, origin, item_id, &file, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Checks a file (size, type by content) and stores its bytes; the row is written later, in
    /// the caller's transaction. The blob goes first: a crash leaves an unreferenced file, never
    /// a row without its bytes.
    pub(crate) async fn accept_file(
        &self,
        filename: &str,
        bytes: &[u8],
    ) -> AppResult<AcceptedFile> {
        let limit = self.config().max_upload_bytes;
        if bytes.len() > limit {
            return Err(AppError::TooLarge { limit });
        }
        let filename = clean_filename(filename);
        if filename.is_empty() || !filename.contains('.') {
            let error = FieldError::new("file", "请选择带扩展名的文件")
                .with_en("Choose a file whose name has an extension (such as .pdf)");
            return Err(AppError::Validation(vec![error]));
        }
        if bytes.is_empty() {
            let error = FieldError::new("file", "文件为空").with_en("The file is empty");
            return Err(AppError::Validation(vec![error]));
        }
        let content_type = check_type(&filename, bytes).ok_or(AppError::UnsupportedType)?;
        let extracted_text = {
            let bytes = bytes.to_vec();
            tokio::task::spawn_blocking(move || crate::extract::text_of(content_type, &bytes))
                .await
                .map_err(|e| AppError::Internal(format!("extracting text: {e}")))?
                .unwrap_or_default()
        };
        let sha256 = hex::encode(Sha256::digest(bytes));
        self.blobs().put(&sha256, bytes).await?;
        Ok(AcceptedFile {
            filename,
            content_type,
            size: bytes.len(),
            sha256,
            extracted_text,
        })
    }

    /// Removes an attachment from a draft.
    pub async fn remove_attachment(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: i64,
    ) -> AppResult<()> {
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let att = store_att::by_id(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound("attachment"))?;
        let row = self
            .authorised_any(&mut tx, actor, att.item_id, &[Action::EditItem])
            .await?;
        if status_of(&row)? != ItemStatus::Draft {
            return Err(AppError::InvalidState("只能删除草稿的附件".into()));
        }
        store_att::delete(&mut tx, id).await?;
        let before = serde_json::json!({"attachment": id, "filename": att.filename});
        record(
            &mut tx,
            actor,
            origin,
            "item.detach",
            row.id,
            &before.to_string(),
            "",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The attachments of an item the reader may see.
    pub async fn attachments(
        &self,
        actor: Option<&Actor>,
        item_id: i64,
    ) -> AppResult<Vec<Attachment>> {
        if let super::queries::Visibility::Withdrawn { .. } = self.item(actor, item_id).await? {
            return Ok(vec![]);
        }
        let mut c = self.db().read().await?;
        Ok(store_att::for_item(&mut c, item_id)
            .await?
            .into_iter()
            .map(Attachment::from)
            .collect())
    }

    /// The attachments of items already known to be public (a page of the catalog), in one
    /// query, keyed by item id.
    pub async fn attachments_of_published(
        &self,
        items: &[super::Item],
    ) -> AppResult<std::collections::HashMap<i64, Vec<Attachment>>> {
        let ids: Vec<i64> = items
            .iter()
            .filter(|i| i.status == ItemStatus::Published)
            .map(|i| i.id)
            .collect();
        let mut c = self.db().read().await?;
        let mut map: std::collections::HashMap<i64, Vec<Attachment>> = Default::default();
        for row in store_att::for_items(&mut c, &ids).await? {
            map.entry(row.item_id).or_default().push(row.into());
        }
        Ok(map)
    }

    /// An attachment's bytes, if its item is visible to the reader.
    pub async fn attachment_file(
        &self,
        actor: Option<&Actor>,
        id: i64,
    ) -> AppResult<AttachmentFile> {
        let row = {
            let mut c = self.db().read().await?;
            store_att::by_id(&mut c, id)
                .await?
                .ok_or(AppError::NotFound("attachment"))?
        };
        let public = match self.item(actor, row.item_id).await? {
            super::queries::Visibility::Withdrawn { .. } => {
                return Err(AppError::NotFound("attachment"));
            }
            super::queries::Visibility::Visible(item) => item.status == ItemStatus::Published,
        };
        let bytes = self.blobs().get(&row.sha256).await?;
        Ok(AttachmentFile {
            meta: row.into(),
            bytes,
            public,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::check_type;

    fn zip_with(entry: &str) -> Vec<u8> {
        // A local file header (PK\x03\x04) followed by the entry name, as in any zip.
        let mut v = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
        v.extend_from_slice(&[0; 16]);
        v.extend_from_slice(entry.as_bytes());
        v.extend_from_slice(&[0; 64]);
        v
    }

    #[test]
    fn types_are_checked_by_content() {
        let pdf = b"%PDF-1.7\n...".to_vec();
        let cases: &[(&str, &[u8], Option<&str>)] = &[
            ("a.pdf", &pdf, Some("application/pdf")),
            ("a.PDF", &pdf, Some("application/pdf")),
            ("a.docx", &pdf, None),
            ("a.txt", "纯文本".as_bytes(), Some("text/plain")),
            ("a.txt", &pdf, None),
            ("a.txt", &[0xff, 0xfe, 0x00], None),
            ("a.exe", b"MZ\x90\x00", None),
            ("a.pdf", b"MZ\x90\x00", None),
            ("noext", &pdf, None),
        ];
        for (name, bytes, want) in cases {
            assert_eq!(check_type(name, bytes), *want, "{name}");
        }
        let docx = zip_with("[Content_Types].xml_rels/.relsword/document.xml");
        assert!(check_type("a.docx", &docx).is_some_and(|m| m.contains("wordprocessingml")));
        assert_eq!(
            check_type("a.xlsx", &docx),
            None,
            "a docx is not a spreadsheet"
        );
    }
}
