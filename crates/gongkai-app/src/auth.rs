//! Staff authentication: passwords (argon2id), sessions with idle and absolute timeouts, lockout
//! after repeated failures, and API tokens. Secrets are random 256-bit values; only their SHA-256
//! is stored, so a database leak does not hand out live sessions or tokens.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use gongkai_domain::role::{Actor, Grant, Role};
use gongkai_store::{audit, sessions, tokens, users};
use secrecy::ExposeSecret;
pub use secrecy::SecretString;
use sha2::{Digest, Sha256};

use crate::{App, AppError, AppResult, Origin, now_ms};

/// A staff account to create, with its first role.
#[derive(Debug)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub body_code: String,
    pub role: Role,
    pub password: SecretString,
    /// For deadline reminders; may be empty.
    pub email: String,
}

/// A staff account as the user administration page lists it.
#[derive(Debug, Clone)]
pub struct StaffAccount {
    pub login: String,
    pub display_name: String,
    pub locked: bool,
    pub grants: Vec<Grant>,
}

/// A new login session: the cookie value and the CSRF token bound to it.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

/// A live session resolved from its cookie.
#[derive(Debug, Clone)]
pub struct SessionActor {
    pub actor: Actor,
    pub display_name: String,
    pub csrf: String,
}

/// A random secret as 64 hex characters.
pub fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Compares two secrets (or their hashes) in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

async fn hash_password(password: SecretString) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("hashing password: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("hashing task: {e}")))?
}

async fn verify_password(password: SecretString, hash: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .map_err(|e| AppError::Internal(format!("verifying task: {e}")))
}

/// Minimum password policy for staff accounts.
fn check_password(password: &SecretString) -> AppResult<()> {
    let p = password.expose_secret();
    if p.chars().count() < 10 {
        return Err(AppError::field("password", "密码至少 10 个字符"));
    }
    Ok(())
}

impl App {
    /// Creates a staff account with one role in one body (`gongkai user add`, body admins).
    pub async fn add_user(
        &self,
        by: Option<&Actor>,
        origin: &Origin,
        user: NewUser,
    ) -> AppResult<i64> {
        let NewUser {
            login,
            display_name,
            body_code,
            role,
            password,
            email,
        } = user;
        let login = login.trim();
        if login.is_empty()
            || login.len() > 64
            || !login
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(AppError::field(
                "login",
                "登录名只能包含字母、数字、点、下划线和连字符，且不超过 64 个字符",
            ));
        }
        check_password(&password)?;
        let body = self.body_by_code(&body_code).await?;
        if let Some(actor) = by {
            // Body administrators hand out their own body's roles only; city-wide roles (city
            // office, auditor) come from the city office.
            let city_wide = matches!(role, Role::CityOffice | Role::Auditor);
            let may = actor.can(gongkai_domain::role::Action::ManageUsers, body.id)
                && (!city_wide || actor.is_city_office());
            if !may {
                return Err(AppError::Forbidden);
            }
        }
        let hash = hash_password(password).await?;
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        if users::by_login(&mut tx, login).await?.is_some() {
            return Err(AppError::field("login", "该登录名已被使用"));
        }
        let name = if display_name.trim().is_empty() {
            login
        } else {
            display_name.trim()
        };
        let email = email.trim();
        if !email.is_empty() && (!email.contains('@') || email.contains(char::is_whitespace)) {
            return Err(AppError::field("email", "电子邮箱格式不正确"));
        }
        let id = users::insert(&mut tx, login, name, &hash, email, now).await?;
        users::grant(&mut tx, id, body.id, role.as_str()).await?;
        let after = serde_json::json!({"login": login, "body": body.code, "role": role.as_str()});
        audit::append(
            &mut tx,
            &audit::NewAudit {
                at_ms: now,
                actor: by.map_or("cli", |a| a.login.as_str()),
                ip: &origin.ip,
                action: "user.create",
                entity: "user",
                entity_id: &id.to_string(),
                before: "",
                after: &after.to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The accounts of the bodies whose users the actor manages (all for the city office).
    pub async fn staff_accounts(&self, actor: &Actor) -> AppResult<Vec<StaffAccount>> {
        let bodies = actor.bodies_with(gongkai_domain::role::Action::ManageUsers);
        if bodies.is_empty() && !actor.is_city_office() {
            return Err(AppError::Forbidden);
        }
        let scope = if actor.is_city_office() {
            vec![]
        } else {
            bodies
        };
        let now = now_ms();
        let mut c = self.db().read().await?;
        Ok(users::with_grants(&mut c, &scope)
            .await?
            .into_iter()
            .map(|(u, grants)| StaffAccount {
                locked: u.locked_until_ms.is_some_and(|t| t > now),
                login: u.login,
                display_name: u.display_name,
                grants: grants
                    .into_iter()
                    .filter_map(|g| {
                        Role::parse(&g.role).map(|role| Grant {
                            role,
                            body_id: g.body_id,
                        })
                    })
                    .collect(),
            })
            .collect())
    }

    /// Adds a role in a body to an existing user.
    pub async fn grant_role(
        &self,
        origin: &Origin,
        login: &str,
        body_code: &str,
        role: Role,
    ) -> AppResult<()> {
        let body = self.body_by_code(body_code).await?;
        let mut tx = self.db().begin().await?;
        let user = users::by_login(&mut tx, login)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        users::grant(&mut tx, user.id, body.id, role.as_str()).await?;
        let after = serde_json::json!({"login": login, "body": body.code, "role": role.as_str()});
        audit::append(
            &mut tx,
            &audit::NewAudit {
                at_ms: now_ms(),
                actor: "cli",
                ip: &origin.ip,
                action: "user.grant",
                entity: "user",
                entity_id: &user.id.to_string(),
                before: "",
                after: &after.to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a login and opens a session. Five failures in a row lock the account for 15
    /// minutes; the error never says whether the login exists.
    pub async fn login(
        &self,
        origin: &Origin,
        login: &str,
        password: SecretString,
    ) -> AppResult<NewSession> {
        let now = now_ms();
        let user = {
            let mut c = self.db().read().await?;
            users::by_login(&mut c, login.trim()).await?
        };
        let Some(user) = user else {
            // Spend the same time as a real check so timing does not reveal unknown logins.
            let _ = verify_password(password, DUMMY_HASH.to_owned()).await;
            return Err(AppError::BadCredentials);
        };
        if let Some(until) = user.locked_until_ms.filter(|u| *u > now) {
            return Err(AppError::Locked { until_ms: until });
        }
        if user.active == 0 {
            return Err(AppError::BadCredentials);
        }
        let ok = verify_password(password, user.password_hash.clone()).await?;
        let mut tx = self.db().begin().await?;
        if !ok {
            // The count is incremented and compared in one statement, so a burst of parallel
            // guesses cannot all read the old count.
            let (failures, locked_until) = users::record_failure(
                &mut tx,
                user.id,
                self.config().lockout_threshold,
                now + self.config().lockout_ms,
            )
            .await?;
            let lock = locked_until.filter(|u| *u > now);
            let action = if lock.is_some() {
                "user.locked"
            } else {
                "user.login_failed"
            };
            audit::append(
                &mut tx,
                &audit::NewAudit {
                    at_ms: now,
                    actor: &user.login,
                    ip: &origin.ip,
                    action,
                    entity: "user",
                    entity_id: &user.id.to_string(),
                    before: &format!("{{\"failed_logins\":{}}}", failures - 1),
                    after: &format!("{{\"failed_logins\":{failures}}}"),
                },
            )
            .await?;
            tx.commit().await?;
            return Err(match lock {
                Some(until_ms) => AppError::Locked { until_ms },
                None => AppError::BadCredentials,
            });
        }
        users::reset_failures(&mut tx, user.id).await?;
        let session = NewSession {
            token: random_token(),
            csrf: random_token(),
        };
        sessions::insert(
            &mut tx,
            &sha256_hex(&session.token),
            user.id,
            &session.csrf,
            &origin.ip,
            now,
        )
        .await?;
        audit::append(
            &mut tx,
            &audit::NewAudit {
                at_ms: now,
                actor: &user.login,
                ip: &origin.ip,
                action: "user.login",
                entity: "user",
                entity_id: &user.id.to_string(),
                before: "",
                after: "",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Resolves a session cookie; expired sessions (idle or absolute) are removed.
    pub async fn session(&self, token: &str) -> AppResult<Option<SessionActor>> {
        let hash = sha256_hex(token);
        let now = now_ms();
        let mut c = self.db().read().await?;
        let Some(s) = sessions::get(&mut c, &hash).await? else {
            return Ok(None);
        };
        let cfg = self.config();
        if now - s.last_seen_ms > cfg.session_idle_ms || now - s.created_ms > cfg.session_max_ms {
            sessions::delete(&mut c, &hash).await?;
            return Ok(None);
        }
        // Touch at most once a minute: a page view should not be a write.
        if now - s.last_seen_ms > 60_000 {
            sessions::touch(&mut c, &hash, now).await?;
        }
        let Some((actor, display_name)) = self.actor_of(&mut c, s.user_id).await? else {
            return Ok(None);
        };
        Ok(Some(SessionActor {
            actor,
            display_name,
            csrf: s.csrf,
        }))
    }

    /// Removes expired sessions (run periodically by the server).
    pub async fn purge_sessions(&self) -> AppResult<u64> {
        let now = now_ms();
        let cfg = self.config();
        let mut c = self.db().read().await?;
        Ok(sessions::purge(&mut c, now - cfg.session_idle_ms, now - cfg.session_max_ms).await?)
    }

    pub async fn logout(&self, token: &str) -> AppResult<()> {
        let mut c = self.db().read().await?;
        sessions::delete(&mut c, &sha256_hex(token)).await?;
        Ok(())
    }

    /// Issues an API token for `login` (`gongkai token create`); returns the secret once.
    pub async fn create_token(
        &self,
        origin: &Origin,
        login: &str,
        label: &str,
    ) -> AppResult<String> {
        let token = format!("gk_{}", random_token());
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let user = users::by_login(&mut tx, login)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        let id = tokens::insert(&mut tx, &sha256_hex(&token), user.id, label, now).await?;
        audit::append(
            &mut tx,
            &audit::NewAudit {
                at_ms: now,
                actor: "cli",
                ip: &origin.ip,
                action: "token.create",
                entity: "api_token",
                entity_id: &id.to_string(),
                before: "",
                after: &serde_json::json!({"login": login, "label": label}).to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The tokens of a user (`gongkai token list`).
    pub async fn tokens_of(&self, login: &str) -> AppResult<Vec<tokens::TokenRow>> {
        let mut c = self.db().read().await?;
        let user = users::by_login(&mut c, login)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        Ok(tokens::of_user(&mut c, user.id).await?)
    }

    /// Revokes a token by id (`gongkai token revoke`).
    pub async fn revoke_token(&self, origin: &Origin, id: i64) -> AppResult<()> {
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        if !tokens::revoke(&mut tx, id).await? {
            return Err(AppError::NotFound("token"));
        }
        audit::append(
            &mut tx,
            &audit::NewAudit {
                at_ms: now,
                actor: "cli",
                ip: &origin.ip,
                action: "token.revoke",
                entity: "api_token",
                entity_id: &id.to_string(),
                before: "{\"revoked\":false}",
                after: "{\"revoked\":true}",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Resolves a bearer token to its actor.
    pub async fn token_actor(&self, token: &str) -> AppResult<Option<Actor>> {
        let hash = sha256_hex(token);
        let mut c = self.db().read().await?;
        let Some((user_id, last_used)) = tokens::user_of(&mut c, &hash).await? else {
            return Ok(None);
        };
        // Record use at most once a minute: an API read should not be a write.
        let now = now_ms();
        if last_used.is_none_or(|t| now - t > 60_000) {
            tokens::touch(&mut c, &hash, now).await?;
        }
        Ok(self.actor_of(&mut c, user_id).await?.map(|(a, _)| a))
    }

    /// The actor of a login, for trusted callers (the CLI and the demo loader) that act without a
    /// session.
    pub async fn actor_for_login(&self, login: &str) -> AppResult<Actor> {
        let mut c = self.db().read().await?;
        let user = users::by_login(&mut c, login)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        self.actor_of(&mut c, user.id)
            .await?
            .map(|(a, _)| a)
            .ok_or(AppError::NotFound("user"))
    }

    async fn actor_of(
        &self,
        c: &mut gongkai_store::Conn,
        user_id: i64,
    ) -> AppResult<Option<(Actor, String)>> {
        let Some(user) = users::by_id(c, user_id).await? else {
            return Ok(None);
        };
        if user.active == 0 {
            return Ok(None);
        }
        let grants = users::grants_of(c, user_id)
            .await?
            .into_iter()
            .filter_map(|g| {
                Role::parse(&g.role).map(|role| Grant {
                    role,
                    body_id: g.body_id,
                })
            })
            .collect();
        Ok(Some((
            Actor {
                user_id,
                login: user.login,
                grants,
            },
            user.display_name,
        )))
    }
}

/// An argon2id hash of a random password, checked against when the login does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$P9BeYaF7Ug5MeZP2uBEM4aIJ5ep2Gm3kDwE+1jMg/1w";
