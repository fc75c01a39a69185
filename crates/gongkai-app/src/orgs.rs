//! Organisations (机构): the tree of bodies and their names and aliases.

use gongkai_domain::index_number::valid_body_code;
use gongkai_domain::org::BodyKind;
use gongkai_store::{audit, bodies};
use serde::Serialize;
use std::sync::Arc;

use crate::{App, AppError, AppResult, Origin, now_ms};

/// A government body (机构): the city, a district, a functional zone, a town or a department.
#[derive(Debug, Clone, Serialize)]
pub struct Body {
    pub id: i64,
    /// Organisation code, the prefix of the body's index numbers.
    pub code: String,
    pub name: String,
    pub short_names: Vec<String>,
    pub kind: BodyKind,
    pub parent_id: Option<i64>,
}

impl TryFrom<bodies::BodyRow> for Body {
    type Error = AppError;
    fn try_from(r: bodies::BodyRow) -> AppResult<Body> {
        let short_names = r.short_names()?;
        Ok(Body {
            kind: BodyKind::parse(&r.kind)
                .ok_or_else(|| AppError::Internal(format!("body {} has kind {}", r.id, r.kind)))?,
            id: r.id,
            code: r.code,
            name: r.name,
            short_names,
            parent_id: r.parent_id,
        })
    }
}

impl Body {
    /// The name shown in lists: the first short name when there is one.
    pub fn short_name(&self) -> &str {
        self.short_names
            .first()
            .map_or(self.name.as_str(), String::as_str)
    }
}

/// What is needed to register a body.
#[derive(Debug, Clone)]
pub struct NewBody {
    pub code: String,
    pub name: String,
    pub short_names: Vec<String>,
    pub kind: BodyKind,
    pub parent_code: Option<String>,
}

impl App {
    /// Every body, in registry order (a copy of [`App::registry`]).
    pub async fn bodies(&self) -> AppResult<Vec<Body>> {
        Ok(self.registry().await?.to_vec())
    }

    /// The registry, shared, cached for five seconds: every page reads it, it changes rarely,
    /// and a change made here clears the cache at once.
    pub async fn registry(&self) -> AppResult<Arc<[Body]>> {
        let generation = match self.cached_bodies(std::time::Duration::from_secs(5)) {
            Ok(list) => return Ok(list),
            Err(generation) => generation,
        };
        let mut c = self.db().read().await?;
        let list: Arc<[Body]> = bodies::list(&mut c)
            .await?
            .into_iter()
            .map(Body::try_from)
            .collect::<AppResult<_>>()?;
        self.keep_bodies(list.clone(), generation);
        Ok(list)
    }

    /// One body, from the cached registry when it is there (an item page needs its body: one
    /// query fewer); a body another process has just made is read from the database.
    pub async fn body(&self, id: i64) -> AppResult<Body> {
        if let Some(b) = self.registry().await?.iter().find(|b| b.id == id) {
            return Ok(b.clone());
        }
        let mut c = self.db().read().await?;
        bodies::by_id(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("body"))?
            .try_into()
    }

    pub async fn body_by_code(&self, code: &str) -> AppResult<Body> {
        let mut c = self.db().read().await?;
        bodies::by_code(&mut c, code.trim())
            .await?
            .ok_or_else(|| AppError::field("body_code", format!("机构代码 {code} 不存在")))?
            .try_into()
    }

    /// Finds a body by its full name, a short name or alias, or its code (市发改委 = 市发展和改革委员会).
    pub async fn resolve_body(&self, name: &str) -> AppResult<Option<Body>> {
        let name = name.trim();
        Ok(self
            .registry()
            .await?
            .iter()
            .find(|b| b.code == name || b.name == name || b.short_names.iter().any(|s| s == name))
            .cloned())
    }

    /// Registers a body. Without an actor this is the CLI or the demo loader (trusted callers);
    /// with one, only the city office may.
    pub async fn add_body(
        &self,
        by: Option<&gongkai_domain::role::Actor>,
        origin: &Origin,
        b: &NewBody,
    ) -> AppResult<i64> {
        if by.is_some_and(|a| !a.is_city_office()) {
            return Err(AppError::Forbidden);
        }
        let mut errors = Vec::new();
        if !valid_body_code(&b.code) {
            errors.push(gongkai_domain::FieldError::new(
                "code",
                "机构代码应为 3–18 位数字或大写字母",
            ));
        }
        if b.name.trim().is_empty() {
            errors.push(gongkai_domain::FieldError::new("name", "机构名称不能为空"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        if bodies::by_code(&mut tx, &b.code).await?.is_some() {
            return Err(AppError::field("code", "机构代码已存在"));
        }
        let parent_id = match &b.parent_code {
            Some(p) => Some(
                bodies::by_code(&mut tx, p)
                    .await?
                    .ok_or_else(|| AppError::field("parent", format!("上级机构 {p} 不存在")))?
                    .id,
            ),
            None => None,
        };
        let count = bodies::count(&mut tx).await?;
        let id = bodies::insert(
            &mut tx,
            &bodies::NewBody {
                code: &b.code,
                name: b.name.trim(),
                short_names: &b.short_names,
                kind: b.kind.as_str(),
                parent_id,
                sort_order: count,
                now_ms: now,
            },
        )
        .await?;
        let after = serde_json::json!({"code": b.code, "name": b.name, "kind": b.kind.as_str(),
            "short_names": b.short_names, "parent": b.parent_code});
        audit::append(
            &mut tx,
            &audit::NewAudit {
                at_ms: now,
                actor: by.map_or("cli", |a| a.login.as_str()),
                ip: &origin.ip,
                action: "body.create",
                entity: "body",
                entity_id: &id.to_string(),
                before: "",
                after: &after.to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        self.forget_bodies();
        self.public_changed();
        Ok(id)
    }

    /// Whether any body exists yet (the demo loads only into an empty database).
    pub async fn is_empty(&self) -> AppResult<bool> {
        let mut c = self.db().read().await?;
        Ok(bodies::count(&mut c).await? == 0)
    }
}
