//! Home-page notices (通知公告).

use gongkai_domain::role::Actor;
use gongkai_store::{audit, notices};

pub use gongkai_store::notices::NoticeRow as Notice;

use crate::{App, AppError, AppResult, Origin, now_ms};

impl App {
    pub async fn latest_notices(&self, limit: i64) -> AppResult<Vec<Notice>> {
        let mut c = self.db().read().await?;
        Ok(notices::latest(&mut c, limit).await?)
    }

    pub async fn notice(&self, id: i64) -> AppResult<Notice> {
        let mut c = self.db().read().await?;
        notices::by_id(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("notice"))
    }

    /// Posts a notice; city office only.
    pub async fn add_notice(
        &self,
        actor: &Actor,
        origin: &Origin,
        title: &str,
        body: &str,
        date: chrono::NaiveDate,
    ) -> AppResult<i64> {
        if !actor.is_city_office() {
            return Err(AppError::Forbidden);
        }
        if title.trim().is_empty() {
            return Err(AppError::field("title", "标题不能为空"));
        }
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let id = notices::insert(&mut tx, title.trim(), body, &date.to_string(), now).await?;
        audit::append(
            &mut tx,
            &audit::NewAudit {
                at_ms: now,
                actor: &actor.login,
                ip: &origin.ip,
                action: "notice.create",
                entity: "notice",
                entity_id: &id.to_string(),
                before: "",
                after: title,
            },
        )
        .await?;
        tx.commit().await?;
        self.public_changed();
        Ok(id)
    }
}
