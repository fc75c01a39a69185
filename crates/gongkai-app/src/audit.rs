//! Reading and verifying the audit log.

use gongkai_domain::audit::{ChainBreak, ChainVerifier, StoredAudit};
use gongkai_domain::role::{Action, Actor};
use gongkai_store::audit;

pub use gongkai_store::audit::AuditFilter;
pub use gongkai_store::audit::AuditRow as AuditRecord;

use crate::items::created_version_claim;
use crate::{App, AppError, AppResult};

/// The result of `gongkai audit verify`.
#[derive(Debug, Clone)]
pub enum ChainStatus {
    Intact { records: usize },
    Broken(ChainBreak),
}

impl App {
    /// Walks the whole chain page by page, recomputing every hash, and checks that it ends at the
    /// recorded head (so deleting the newest records is detected too). Where a record names an
    /// item version by digest (creation and import), the version's snapshot must still match.
    pub async fn verify_audit_chain(&self) -> AppResult<ChainStatus> {
        let mut c = self.db().read().await?;
        // The head is read first and the walk stops there: records appended while the walk runs
        // (the server keeps working) are left for the next run instead of looking like tampering.
        let (head_seq, head_hash) = audit::head(&mut c).await?;
        let mut verifier = ChainVerifier::new();
        let mut after = 0;
        while after < head_seq {
            let page = audit::page(&mut c, after, 1000.min(head_seq - after)).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            let claims: Vec<(i64, i64, i64, String)> = page
                .iter()
                .filter_map(|r| {
                    created_version_claim(&r.action, &r.entity_id, &r.after_state)
                        .map(|(item, version, digest)| (r.seq, item, version, digest))
                })
                .collect();
            let mut broken = None;
            for row in page {
                if let Err(b) = verifier.push(&StoredAudit::from(row)) {
                    broken = Some(b);
                    break;
                }
            }
            // Whichever break comes first in the chain is the one reported.
            if let Some(d) = check_version_digests(&mut c, &claims).await?
                && broken.as_ref().is_none_or(|b| d.seq < b.seq)
            {
                broken = Some(d);
            }
            if let Some(b) = broken {
                return Ok(ChainStatus::Broken(b));
            }
        }
        if verifier.last_seq() != head_seq || verifier.last_hash() != head_hash {
            return Ok(ChainStatus::Broken(ChainBreak {
                seq: verifier.last_seq() + 1,
                reason: format!(
                    "chain ends at record {} but the head says {head_seq}: newest records deleted or altered",
                    verifier.last_seq()
                ),
            }));
        }
        Ok(ChainStatus::Intact {
            records: verifier.count(),
        })
    }

    /// The audit trail of one record, for auditors and the city office.
    pub async fn audit_of(
        &self,
        actor: &Actor,
        entity: &str,
        entity_id: &str,
    ) -> AppResult<Vec<AuditRecord>> {
        if actor.bodies_with(Action::ReadAudit).is_empty() && !actor.is_city_office() {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db().read().await?;
        Ok(audit::for_entity(&mut c, entity, entity_id).await?)
    }

    /// Up to `limit` records `filter` selects, newest first, for the auditor's console page.
    pub async fn audit_log(
        &self,
        actor: &Actor,
        filter: &audit::AuditFilter<'_>,
        limit: i64,
    ) -> AppResult<Vec<AuditRecord>> {
        let may = actor.grants.iter().any(|g| {
            matches!(
                g.role,
                gongkai_domain::role::Role::Auditor | gongkai_domain::role::Role::CityOffice
            )
        });
        if !may {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db().read().await?;
        Ok(audit::newest(&mut c, filter, limit).await?)
    }
}

/// The first claim (seq, item, version, digest) whose version is missing or whose snapshot no
/// longer has the recorded digest: the version history was altered after the fact.
async fn check_version_digests(
    conn: &mut gongkai_store::Conn,
    claims: &[(i64, i64, i64, String)],
) -> AppResult<Option<ChainBreak>> {
    let mut by_version: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
    for (_, item, version, _) in claims {
        by_version.entry(*version).or_default().push(*item);
    }
    let mut stored: std::collections::HashMap<(i64, i64), String> = Default::default();
    for (version, items) in by_version {
        for (item, snapshot) in
            gongkai_store::items::version_snapshots(conn, version, &items).await?
        {
            stored.insert((item, version), snapshot);
        }
    }
    for (seq, item, version, digest) in claims {
        let actual = stored
            .get(&(*item, *version))
            .map(|s| crate::auth::sha256_hex(s));
        if actual.as_deref() != Some(digest.as_str()) {
            return Ok(Some(ChainBreak {
                seq: *seq,
                reason: format!(
                    "item {item} version {version} no longer matches the digest this record holds: the version history was altered"
                ),
            }));
        }
    }
    Ok(None)
}
