//! Importing a plan: parse its text, match the names in its clauses to the registry (names,
//! aliases, collective names, mappings remembered from earlier imports), show a preview, then
//! write sections, tasks and assignments in one transaction.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use gongkai_domain::role::{Action, Actor};
use gongkai_domain::workplan::assign::{RegistryBody, Resolution, due_date, resolve_name};
use gongkai_domain::workplan::{self, ParsedPlan};
use gongkai_store::plans::{self as store, NewPlan, NewTask};
use serde::Serialize;

use crate::{App, AppError, AppResult, Origin, now_ms, today};

/// One task as the preview shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewTask {
    pub code: String,
    pub section: String,
    pub text: String,
    /// Each name of the clause with the bodies it resolves to (empty = unknown).
    pub lead: Vec<(String, Vec<String>)>,
    pub co: Vec<(String, Vec<String>)>,
    pub due_on: Option<NaiveDate>,
    pub deadline_text: String,
}

/// What an import would write, for the office to check before confirming.
#[derive(Debug, Clone, Serialize)]
pub struct ImportPreview {
    pub title: String,
    pub issuer: String,
    pub year: i32,
    pub doc_number: Option<String>,
    pub sections: usize,
    pub tasks: Vec<PreviewTask>,
    /// Names no body or mapping matches: map them once, the mapping is remembered.
    pub unknown: Vec<String>,
    /// Lines skipped as page furniture, spam or unplaceable, with the reason.
    pub skipped: Vec<(usize, String, String)>,
}

impl PreviewTask {
    /// Whether some name of its clauses resolves to a body: else nobody reports on it and it
    /// counts in no body's completion until the office assigns one.
    pub fn has_owner(&self) -> bool {
        self.lead.iter().chain(&self.co).any(|(_, b)| !b.is_empty())
    }
}

impl ImportPreview {
    /// Codes of the tasks no body would be responsible for.
    pub fn ownerless(&self) -> Vec<&str> {
        self.tasks
            .iter()
            .filter(|t| !t.has_owner())
            .map(|t| t.code.as_str())
            .collect()
    }
}

struct Resolver {
    registry: Vec<RegistryBody>,
    mappings: HashMap<String, Vec<i64>>,
    names: HashMap<i64, String>,
}

impl Resolver {
    fn resolve(&self, name: &str) -> Vec<i64> {
        match resolve_name(name, &self.registry, &self.mappings) {
            Resolution::Bodies(ids) => ids,
            Resolution::Unknown => vec![],
        }
    }

    fn named(&self, names: &[String]) -> Vec<(String, Vec<String>)> {
        names
            .iter()
            .map(|n| {
                let bodies = self
                    .resolve(n)
                    .iter()
                    .filter_map(|id| self.names.get(id).cloned())
                    .collect();
                (n.clone(), bodies)
            })
            .collect()
    }
}

fn plan_year(p: &ParsedPlan) -> i32 {
    p.header
        .year
        .or_else(|| p.header.date.map(|d| d.year()))
        .unwrap_or_else(|| today().year())
}

impl App {
    async fn resolver(&self, extra: &HashMap<String, Vec<String>>) -> AppResult<Resolver> {
        let bodies = self.bodies().await?;
        let mut c = self.db().read().await?;
        let mut mappings: HashMap<String, Vec<i64>> =
            store::mappings(&mut c).await?.into_iter().collect();
        for (name, codes) in extra {
            let ids: Vec<i64> = codes
                .iter()
                .filter_map(|code| bodies.iter().find(|b| &b.code == code).map(|b| b.id))
                .collect();
            if ids.len() != codes.len() {
                return Err(AppError::field(
                    "mapping",
                    format!("“{name}”的对应机构代码有误"),
                ));
            }
            mappings.insert(name.trim().to_owned(), ids);
        }
        Ok(Resolver {
            names: bodies.iter().map(|b| (b.id, b.name.clone())).collect(),
            registry: bodies
                .into_iter()
                .map(|b| RegistryBody {
                    id: b.id,
                    name: b.name,
                    short_names: b.short_names,
                    kind: b.kind,
                    parent_id: b.parent_id,
                })
                .collect(),
            mappings,
        })
    }

    /// Parses `text` and shows what would be imported; writes nothing. `extra` maps names to
    /// body codes for this import (and is remembered when the import is confirmed).
    pub async fn preview_plan(
        &self,
        actor: &Actor,
        text: &str,
        extra: &HashMap<String, Vec<String>>,
    ) -> AppResult<ImportPreview> {
        if !actor.can_everywhere(Action::SupervisePlans) {
            return Err(AppError::Forbidden);
        }
        let parsed = workplan::parse(text);
        if parsed.tasks.is_empty() {
            return Err(AppError::field(
                "text",
                "未能从文本中识别出任何任务，请检查是否为工作要点全文",
            ));
        }
        let r = self.resolver(extra).await?;
        let year = plan_year(&parsed);
        let mut unknown: Vec<String> = Vec::new();
        let tasks = parsed
            .tasks
            .iter()
            .map(|t| {
                for n in t.lead.iter().chain(&t.co) {
                    if r.resolve(n).is_empty()
                        && !gongkai_domain::workplan::assign::is_vague(n)
                        && !unknown.contains(n)
                    {
                        unknown.push(n.clone());
                    }
                }
                PreviewTask {
                    code: t.id.clone(),
                    section: t.section.clone(),
                    text: t.text.clone(),
                    lead: r.named(&t.lead),
                    co: r.named(&t.co),
                    due_on: due_date(t.deadline_hint.as_ref(), year),
                    deadline_text: t
                        .deadline_hint
                        .as_ref()
                        .map(|h| h.text.clone())
                        .unwrap_or_default(),
                }
            })
            .collect();
        Ok(ImportPreview {
            title: parsed
                .header
                .plan_name
                .clone()
                .unwrap_or_else(|| parsed.header.title.clone()),
            issuer: parsed.header.issuer.clone().unwrap_or_default(),
            year,
            doc_number: parsed.header.doc_number.clone(),
            sections: parsed.sections.len(),
            tasks,
            unknown,
            skipped: parsed
                .unplaced
                .iter()
                .map(|u| (u.line, u.text.clone(), u.reason.clone()))
                .collect(),
        })
    }

    /// Imports a plan (after the preview): sections, tasks, their lead and co-responsible
    /// bodies, and the name mappings given; one transaction. Returns the plan id.
    pub async fn import_plan(
        &self,
        actor: &Actor,
        origin: &Origin,
        text: &str,
        extra: &HashMap<String, Vec<String>>,
    ) -> AppResult<i64> {
        let preview = self.preview_plan(actor, text, extra).await?;
        let parsed = workplan::parse(text);
        let r = self.resolver(extra).await?;
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        for name in extra.keys() {
            let ids = r.mappings.get(name.trim()).cloned().unwrap_or_default();
            store::remember_mapping(&mut tx, name.trim(), &ids, now).await?;
        }
        let plan_id = store::insert_plan(
            &mut tx,
            &NewPlan {
                title: &preview.title,
                issuer: &preview.issuer,
                year: i64::from(preview.year),
                doc_number: preview.doc_number.as_deref(),
                issued_on: parsed.header.date.map(|d| d.to_string()).as_deref(),
                source: text,
                created_by: actor.user_id,
            },
            now,
        )
        .await?;
        let mut section_ids = HashMap::new();
        for (i, s) in parsed.sections.iter().enumerate() {
            let id = store::insert_section(
                &mut tx,
                plan_id,
                &s.number,
                &s.title,
                i64::try_from(i).unwrap_or(0),
            )
            .await?;
            section_ids.insert(s.number.clone(), id);
        }
        for (i, t) in parsed.tasks.iter().enumerate() {
            let task_id = store::insert_task(
                &mut tx,
                &NewTask {
                    plan_id,
                    section_id: section_ids.get(&t.section).copied(),
                    code: &t.id,
                    subsection: t.subsection.as_deref().unwrap_or(""),
                    text: &t.text,
                    clause: t.clause.as_deref().unwrap_or(""),
                    deadline_text: &t
                        .deadline_hint
                        .as_ref()
                        .map(|h| h.text.clone())
                        .unwrap_or_default(),
                    due_on: due_date(t.deadline_hint.as_ref(), preview.year).map(|d| d.to_string()),
                    position: i64::try_from(i).unwrap_or(0),
                },
                now,
            )
            .await?;
            for n in &t.lead {
                for b in r.resolve(n) {
                    store::assign_body(&mut tx, task_id, b, "lead").await?;
                }
            }
            for n in &t.co {
                for b in r.resolve(n) {
                    store::assign_body(&mut tx, task_id, b, "co").await?;
                }
            }
        }
        let after = serde_json::json!({"title": preview.title, "tasks": preview.tasks.len(),
            "unknown": preview.unknown});
        gongkai_store::audit::append(
            &mut tx,
            &gongkai_store::audit::NewAudit {
                at_ms: now,
                actor: &actor.login,
                ip: &origin.ip,
                action: "plan.import",
                entity: "plan",
                entity_id: &plan_id.to_string(),
                before: "",
                after: &after.to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(plan_id)
    }
}
