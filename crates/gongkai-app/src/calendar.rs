//! The working-day calendar in force: the built-in years plus those the city office loads
//! (国务院办公厅 publishes next year's holidays each November).

use gongkai_domain::calendar::WorkCalendar;
use gongkai_domain::role::Actor;
use gongkai_store::{audit, calendar_years};

use crate::{App, AppError, AppResult, Origin, now_ms};

impl App {
    /// Years whose holidays are not loaded although open deadlines (or the next 60 days) reach
    /// them: deadlines there are counted Monday to Friday until the office loads the year.
    pub fn calendar_gaps(&self, dates: &[chrono::NaiveDate]) -> Vec<i32> {
        let cal = self.calendar();
        let today = crate::today();
        let horizon = today + chrono::Duration::days(60);
        let mut years = cal.falls_outside_loaded(today, horizon);
        for d in dates {
            years.extend(cal.falls_outside_loaded(today, *d));
        }
        years.sort_unstable();
        years.dedup();
        years
    }

    /// Adds the years stored in the database to the built-in calendar (at start-up).
    pub(crate) async fn load_calendar_years(&self) -> AppResult<()> {
        let stored = {
            let mut c = self.db().read().await?;
            calendar_years::all(&mut c).await?
        };
        if stored.is_empty() {
            return Ok(());
        }
        let mut cal = WorkCalendar::clone(&self.calendar());
        for (year, source) in stored {
            cal.add_year_toml(&source).map_err(|e| {
                AppError::Internal(format!("stored calendar of {year} does not load: {e}"))
            })?;
        }
        self.set_calendar(cal);
        Ok(())
    }

    /// Loads (or replaces) one year's holidays and make-up working days from its TOML text;
    /// city office only. Returns the year. The deadlines of open applications are recomputed in
    /// the same transaction, each change audited.
    pub async fn add_calendar_year(
        &self,
        actor: Option<&Actor>,
        origin: &Origin,
        source: &str,
    ) -> AppResult<i32> {
        if actor.is_some_and(|a| !a.is_city_office()) {
            return Err(AppError::Forbidden);
        }
        let mut cal = WorkCalendar::clone(&self.calendar());
        let before = cal.loaded_years();
        let year = cal
            .add_year_toml(source)
            .map_err(|e| AppError::field("calendar", format!("节假日文件有误：{e}")))?;
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        calendar_years::upsert(&mut tx, year, source, now).await?;
        audit::append(
            &mut tx,
            &audit::NewAudit {
                at_ms: now,
                actor: actor.map_or("cli", |a| a.login.as_str()),
                ip: &origin.ip,
                action: if before.contains(&year) {
                    "calendar.replace"
                } else {
                    "calendar.add"
                },
                entity: "calendar",
                entity_id: &year.to_string(),
                before: "",
                after: source,
            },
        )
        .await?;
        let who = actor.map_or("cli", |a| a.login.as_str());
        self.recompute_deadlines(&mut tx, &cal, who, origin, now)
            .await?;
        tx.commit().await?;
        self.set_calendar(cal);
        Ok(year)
    }
}
