//! Turning what a form or JSON body says into validated item values.

use chrono::NaiveDate;
use gongkai_domain::FieldError;
use gongkai_domain::docnum::DocumentNumber;
use gongkai_domain::item::{DisclosureAttr, ItemFields, Scope, TimeLimit, Validity};
use gongkai_store::items::{ItemRow, ItemValues};
use gongkai_store::{Conn, from_json_list};
use serde::Deserialize;

use crate::{AppError, AppResult};

/// The editable fields of an item as submitted (strings, optional parts defaulted).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ItemInput {
    pub title: String,
    pub body: String,
    pub summary: String,
    pub doc_number: Option<String>,
    /// 成文日期, `YYYY-MM-DD`.
    pub written_on: Option<String>,
    pub genre: String,
    pub topic: String,
    pub key_areas: Vec<String>,
    pub keywords: Vec<String>,
    pub validity: Option<String>,
    pub successor_id: Option<i64>,
    pub disclosure: Option<String>,
    pub time_limit: Option<String>,
    pub scope: Option<String>,
    pub channel: Option<String>,
    pub co_issuers: Vec<String>,
}

fn parse_or<T>(
    raw: &Option<String>,
    parse: impl Fn(&str) -> Option<T>,
    field: &'static str,
    label: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T>
where
    T: Default,
{
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(T::default()),
        Some(s) => {
            let v = parse(s);
            if v.is_none() {
                errors.push(FieldError::new(field, format!("{label}的取值“{s}”无效")));
            }
            v
        }
    }
}

/// Trims and de-duplicates list entries; `split` also splits each entry on list punctuation
/// (free-text fields typed as one line). Key areas are never split: some names contain 、.
fn clean_list(values: &[String], split: bool) -> Vec<String> {
    let seps: &[char] = if split {
        &[',', '，', '、', ';', '；']
    } else {
        &[]
    };
    let mut out: Vec<String> = Vec::new();
    for v in values.iter().flat_map(|v| v.split(seps)) {
        let v = v.trim();
        if !v.is_empty() && !out.iter().any(|o| o == v) {
            out.push(v.to_owned());
        }
    }
    out
}

impl ItemInput {
    /// Typed fields, or every field error at once; a document is not written after `today`.
    pub fn to_fields(
        &self,
        today: NaiveDate,
    ) -> Result<(ItemFields, Option<String>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let written_on = match self
            .written_on
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if d > today => {
                    errors.push(FieldError::new(
                        "written_on",
                        format!("成文日期不能晚于今天（{today}）"),
                    ));
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(FieldError::new("written_on", "成文日期格式应为 YYYY-MM-DD"));
                    None
                }
            },
        };
        let raw_doc = self
            .doc_number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        // A standard 文号 is stored normalised (〔〕); anything else (e.g. 国务院令第711号) is kept as typed.
        let doc_number = raw_doc
            .as_deref()
            .and_then(|r| DocumentNumber::parse(r).ok())
            .map(|d| d.to_string());
        let validity = parse_or(
            &self.validity,
            Validity::parse,
            "validity",
            "有效性",
            &mut errors,
        );
        let disclosure = parse_or(
            &self.disclosure,
            DisclosureAttr::parse,
            "disclosure",
            "公开属性",
            &mut errors,
        );
        let time_limit = parse_or(
            &self.time_limit,
            TimeLimit::parse,
            "time_limit",
            "公开时限",
            &mut errors,
        );
        let scope = parse_or(&self.scope, Scope::parse, "scope", "公开范围", &mut errors);
        let fields = ItemFields {
            title: self.title.trim().to_owned(),
            body: self.body.replace("\r\n", "\n").trim().to_owned(),
            summary: self.summary.trim().to_owned(),
            doc_number: doc_number.clone(),
            written_on,
            genre: self.genre.trim().to_owned(),
            topic: self.topic.trim().replace('\\', "/"),
            key_areas: clean_list(&self.key_areas, false),
            keywords: clean_list(&self.keywords, true),
            validity: validity.unwrap_or_default(),
            disclosure: disclosure.unwrap_or_default(),
            time_limit: time_limit.unwrap_or_default(),
            scope: scope.unwrap_or_default(),
            channel: self
                .channel
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or("政府网站")
                .to_owned(),
            co_issuers: clean_list(&self.co_issuers, true),
        };
        if let Err(mut more) = fields.validate() {
            errors.append(&mut more);
        }
        if errors.is_empty() {
            let raw = raw_doc.filter(|r| Some(r) != doc_number.as_ref());
            Ok((fields, raw))
        } else {
            Err(errors)
        }
    }

    /// Validated values ready to store; a named successor must exist.
    pub(crate) async fn to_values(&self, conn: &mut Conn) -> AppResult<ItemValues> {
        let (f, raw) = self
            .to_fields(crate::today())
            .map_err(AppError::Validation)?;
        // Only a published successor counts, so the check reveals nothing about drafts.
        if let Some(s) = self.successor_id
            && gongkai_store::items::by_id(conn, s)
                .await?
                .is_none_or(|r| r.status != "published")
        {
            return Err(AppError::field(
                "successor_id",
                "修订后的文件须是已发布的信息",
            ));
        }
        Ok(values_from(&f, raw, self.successor_id))
    }
}

pub(crate) fn values_from(
    f: &ItemFields,
    raw: Option<String>,
    successor_id: Option<i64>,
) -> ItemValues {
    ItemValues {
        title: f.title.clone(),
        body: f.body.clone(),
        summary: f.summary.clone(),
        doc_number: f.doc_number.clone().or_else(|| raw.clone()),
        doc_number_raw: raw,
        written_on: f.written_on.map(|d| d.to_string()),
        genre: f.genre.clone(),
        topic: f.topic.clone(),
        key_areas: f.key_areas.clone(),
        keywords: f.keywords.clone(),
        validity: f.validity.as_str().to_owned(),
        successor_id,
        disclosure: f.disclosure.as_str().to_owned(),
        time_limit: f.time_limit.as_str().to_owned(),
        scope: f.scope.as_str().to_owned(),
        channel: f.channel.clone(),
        co_issuers: f.co_issuers.clone(),
    }
}

/// The stored values of a row, to change one part and write them back.
pub(crate) fn values_of(row: &ItemRow) -> AppResult<ItemValues> {
    Ok(ItemValues {
        title: row.title.clone(),
        body: row.body.clone(),
        summary: row.summary.clone(),
        doc_number: row.doc_number.clone(),
        doc_number_raw: row.doc_number_raw.clone(),
        written_on: row.written_on.clone(),
        genre: row.genre.clone(),
        topic: row.topic.clone(),
        key_areas: from_json_list(&row.key_areas)?,
        keywords: from_json_list(&row.keywords)?,
        validity: row.validity.clone(),
        successor_id: row.successor_id,
        disclosure: row.disclosure.clone(),
        time_limit: row.time_limit.clone(),
        scope: row.scope.clone(),
        channel: row.channel.clone(),
        co_issuers: from_json_list(&row.co_issuers)?,
    })
}
