//! View models: what each page template needs, already formatted. Templates autoescape; no HTML
//! is built with `format!`.

use std::collections::HashMap;

use gongkai_app::domain::item::{ItemStatus, Validity};
use gongkai_app::domain::role::{Action, Actor};
use gongkai_app::items::ListedItem;
use gongkai_app::orgs::Body;

use crate::locale::{Label, Locale};
use crate::texts::Texts;

/// The field errors of a validation failure, keyed by field, to show next to the inputs of a
/// re-rendered form (in English where the error has it and the reader chose English); `None`
/// for any other error.
pub fn field_errors(
    e: &gongkai_app::AppError,
    locale: Locale,
) -> Option<HashMap<&'static str, String>> {
    let message = |f: &gongkai_app::domain::FieldError| match (locale, &f.message_en) {
        (Locale::En, Some(en)) => en.clone(),
        _ => f.message_zh.clone(),
    };
    match e {
        gongkai_app::AppError::Validation(fs) => {
            Some(fs.iter().map(|f| (f.field, message(f))).collect())
        }
        _ => None,
    }
}

/// What the header and footer of every page show: the site, the logged-in staff member, and the
/// words of the page's language.
#[derive(Clone)]
pub struct Chrome {
    pub site_name: String,
    pub staff_name: Option<String>,
    pub csrf: String,
    pub t: &'static Texts,
    /// Offer the other language (the public pages; the console is Chinese only).
    pub switch_language: bool,
    /// The console pages the signed-in staff member may open.
    pub nav: ConsoleNav,
}

/// Which console pages a staff member's roles open: the console's navigation shows those only,
/// by the same rules the application layer checks (a link that answers 403 is no help). Work
/// plans and the calendar are open to all staff.
#[derive(Clone, Default)]
pub struct ConsoleNav {
    pub draft: bool,
    pub items: bool,
    pub review: bool,
    pub applications: bool,
    pub audit: bool,
    pub users: bool,
    pub bodies: bool,
    pub dictionary: bool,
}

impl ConsoleNav {
    pub fn of(a: &Actor) -> ConsoleNav {
        let somewhere = |action| !a.bodies_with(action).is_empty() || a.can_everywhere(action);
        ConsoleNav {
            draft: somewhere(Action::CreateItem) || a.is_city_office(),
            items: somewhere(Action::ViewDrafts),
            review: somewhere(Action::ReviewItem),
            applications: somewhere(Action::ViewApplications),
            audit: somewhere(Action::ReadAudit) || a.is_city_office(),
            users: somewhere(Action::ManageUsers),
            bodies: a.is_city_office(),
            dictionary: a.can_everywhere(Action::ManageTaxonomy),
        }
    }
}

impl Default for Chrome {
    fn default() -> Self {
        Chrome {
            site_name: String::new(),
            staff_name: None,
            csrf: String::new(),
            t: &crate::texts::ZH,
            switch_language: false,
            nav: ConsoleNav::default(),
        }
    }
}

/// Paragraphs of an item's text (blank-line or line separated).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn validity_class(v: Validity) -> &'static str {
    match v {
        Validity::Effective => "ok",
        Validity::Expired | Validity::Repealed => "void",
        Validity::Revised => "revised",
    }
}

pub fn status_class(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Draft => "draft",
        ItemStatus::InReview => "review",
        ItemStatus::Scheduled => "scheduled",
        ItemStatus::Published => "ok",
        ItemStatus::Withdrawn => "void",
    }
}

/// One line of an item list.
#[derive(Debug, Clone)]
pub struct ItemLine {
    pub id: i64,
    pub title: String,
    pub body_name: String,
    pub date: String,
    pub doc_number: String,
    pub index_number: String,
    pub genre: String,
    pub validity: String,
    pub validity_class: &'static str,
    pub status: String,
    pub status_class: &'static str,
    pub late: bool,
}

impl ItemLine {
    pub fn new(item: &ListedItem, bodies: &HashMap<i64, Body>, locale: Locale) -> ItemLine {
        let date = item
            .published_on
            .or(item.written_on)
            .map(|d| d.to_string())
            .unwrap_or_default();
        ItemLine {
            id: item.id,
            title: item.title.clone(),
            body_name: bodies
                .get(&item.body_id)
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            date,
            doc_number: item.doc_number.clone().unwrap_or_default(),
            index_number: item.index_number.clone().unwrap_or_default(),
            genre: item.genre.clone(),
            validity: item.validity.label(locale).to_owned(),
            validity_class: validity_class(item.validity),
            status: item.status.label_zh().to_owned(),
            status_class: status_class(item.status),
            late: item.late,
        }
    }
}

pub fn body_map(bodies: Vec<Body>) -> HashMap<i64, Body> {
    bodies.into_iter().map(|b| (b.id, b)).collect()
}

/// Page links for a paginated list; `base` already carries the other query parameters.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: u32,
    pub pages: u32,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub numbers: Vec<(u32, String, bool)>,
}

impl Pager {
    pub fn new(base: &str, page: u32, pages: u32, total: i64) -> Pager {
        let sep = if base.contains('?') { '&' } else { '?' };
        let link = |p: u32| format!("{base}{sep}page={p}");
        let lo = page.saturating_sub(3).max(1);
        let hi = (page + 3).min(pages);
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
            numbers: (lo..=hi).map(|p| (p, link(p), p == page)).collect(),
        }
    }
}

/// A private download (a letter, an export, an applicant's file): never cached, saved as `name`
/// (percent-encoded for clients that read it; `fallback`, plain ASCII, for those that do not).
pub(crate) fn private_download(
    content_type: impl Into<String>,
    fallback: &str,
    name: &str,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, content_type.into()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
                    crate::portal::encode(name)
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The content type of a workbook.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
