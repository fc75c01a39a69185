//! `gongkai import`: an archive of already published items, one JSON object per line, in the
//! demo's item format (`ref`, `body` = organisation code, `title`, `doc_number`, `written_on`,
//! `published_on`, `genre`, `topic`, `key_areas`, `keywords`, `validity`, `summary`,
//! `body_text`, optional `attachment_text`), through the application layer in batches.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use gongkai_app::items::{ImportItem, ItemInput};
use gongkai_app::{App, Origin};
use serde::Deserialize;

/// An item as the demo and archives describe it.
#[derive(Debug, Deserialize)]
pub struct ItemRecord {
    #[serde(rename = "ref")]
    pub key: String,
    pub body: String,
    pub title: String,
    pub doc_number: Option<String>,
    pub written_on: Option<String>,
    pub published_on: Option<String>,
    pub genre: String,
    pub topic: String,
    #[serde(default)]
    pub key_areas: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub validity: String,
    pub successor: Option<String>,
    #[serde(default)]
    pub summary: String,
    pub body_text: String,
    #[serde(default = "published")]
    pub status: String,
    /// Names of attachment files (the demo's).
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Text of an attachment, imported as a plain-text file.
    #[serde(default)]
    pub attachment_text: Option<String>,
}

fn published() -> String {
    "published".to_owned()
}

impl ItemRecord {
    pub fn input(&self) -> ItemInput {
        ItemInput {
            title: self.title.clone(),
            body: self.body_text.clone(),
            summary: self.summary.clone(),
            doc_number: self.doc_number.clone(),
            written_on: self.written_on.clone(),
            genre: self.genre.clone(),
            topic: self.topic.clone(),
            key_areas: self.key_areas.clone(),
            keywords: self.keywords.clone(),
            validity: Some(self.validity.clone()),
            ..ItemInput::default()
        }
    }

    pub fn published_on(&self) -> Result<NaiveDate> {
        self.published_on
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .with_context(|| format!("item {} has no publication date", self.key))
    }
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: u64,
    /// Line number and why.
    pub rejected: Vec<(usize, String)>,
}

impl ImportReport {
    fn merge(&mut self, other: ImportReport) {
        self.imported += other.imported;
        self.rejected.extend(other.rejected);
    }
}

/// Imports `file` as `login` (a city-office account) in batches of `batch`; `progress` gets the
/// lines read so far. A batch with a bad item is retried item by item, so every good item is
/// imported and every bad one is reported with its line.
pub async fn import_file(
    app: &App,
    file: &Path,
    login: &str,
    batch: usize,
    progress: &dyn Fn(u64),
) -> Result<ImportReport> {
    let actor = app.actor_for_login(login).await?;
    // Refused before the file is read, not line by line.
    if !actor.is_city_office() {
        anyhow::bail!(
            "{login} is not a city-office account: only the city office imports archives"
        );
    }
    let origin = Origin::cli();
    let bodies: HashMap<String, i64> = app
        .bodies()
        .await?
        .into_iter()
        .map(|b| (b.code, b.id))
        .collect();
    let reader = std::io::BufReader::new(
        std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?,
    );
    let mut report = ImportReport::default();
    let mut pending: Vec<(usize, ImportItem)> = Vec::with_capacity(batch);
    // One batch is written while the next is read and parsed (the two use different cores).
    let mut in_flight: Option<tokio::task::JoinHandle<ImportReport>> = None;
    let mut read = 0u64;
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", file.display()))?;
        read += 1;
        if line.trim().is_empty() {
            continue;
        }
        match item_of(&line, &bodies) {
            Ok(item) => pending.push((n + 1, item)),
            Err(e) => report.rejected.push((n + 1, e.to_string())),
        }
        if pending.len() >= batch {
            let ready = std::mem::replace(&mut pending, Vec::with_capacity(batch));
            if let Some(previous) = in_flight.take() {
                report.merge(previous.await.context("import task")?);
            }
            in_flight = Some(tokio::spawn(flush(
                app.clone(),
                actor.clone(),
                origin.clone(),
                ready,
            )));
            progress(read);
        }
    }
    if let Some(previous) = in_flight.take() {
        report.merge(previous.await.context("import task")?);
    }
    report.merge(flush(app.clone(), actor.clone(), origin, pending).await);
    report.rejected.sort_by_key(|(line, _)| *line);
    progress(read);
    // Every batch is committed by now: a failure to settle the database afterwards is worth a
    // warning, not the loss of the report of rejected lines.
    if let Err(e) = app.after_import(&actor).await {
        tracing::warn!(error = %e, "settling the database after the import failed");
    }
    Ok(report)
}

fn item_of(line: &str, bodies: &HashMap<String, i64>) -> Result<ImportItem> {
    let r: ItemRecord = serde_json::from_str(line).context("not an item object")?;
    let body_id = *bodies
        .get(&r.body)
        .with_context(|| format!("unknown body code {}", r.body))?;
    let attachments = match r
        .attachment_text
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        Some(text) => vec![("附件.txt".to_owned(), text.as_bytes().to_vec())],
        None => vec![],
    };
    Ok(ImportItem {
        body_id,
        input: r.input(),
        published_on: r.published_on()?,
        attachments,
    })
}

/// Writes one batch; a batch with a bad item is retried item by item.
async fn flush(
    app: App,
    actor: gongkai_app::domain::role::Actor,
    origin: Origin,
    pending: Vec<(usize, ImportItem)>,
) -> ImportReport {
    let mut report = ImportReport::default();
    if pending.is_empty() {
        return report;
    }
    let (lines, items): (Vec<usize>, Vec<ImportItem>) = pending.into_iter().unzip();
    match app.import_published_batch(&actor, &origin, &items).await {
        Ok(ids) => report.imported += ids.len() as u64,
        Err(_) => {
            for (line, item) in lines.into_iter().zip(&items) {
                match app
                    .import_published_batch(&actor, &origin, std::slice::from_ref(item))
                    .await
                {
                    Ok(_) => report.imported += 1,
                    Err(e) => report.rejected.push((line, crate::describe(e).to_string())),
                }
            }
        }
    }
    report
}
