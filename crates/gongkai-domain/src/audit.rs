//! Tamper-evident audit log (审计日志): a SHA-256 hash chain.
//!
//! Each record's hash covers the previous record's hash and every field of the
//! record, so modifying, deleting or reordering records breaks the chain. The first
//! record (seq 1) links to [`GENESIS`].
//!
//! Canonical encoding hashed by [`entry_hash`] (stable; changing it invalidates
//! every stored chain): for each item in order — the tag `gongkai-audit-v1`,
//! `prev_hash`, `seq`, `at_ms`, `actor`, `ip`, `action`, `entity`, `entity_id`,
//! `before`, `after` — an 8-byte big-endian length followed by the bytes, where
//! strings are UTF-8 and the two integers are 8-byte big-endian two's complement.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `prev_hash` of the first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const TAG: &[u8] = b"gongkai-audit-v1";

/// The fields of an audit record (审计记录) that its hash covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditFields<'a> {
    pub seq: i64,
    /// Unix time in milliseconds.
    pub at_ms: i64,
    pub actor: &'a str,
    pub ip: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    /// State before, typically JSON; empty if none.
    pub before: &'a str,
    /// State after, typically JSON; empty if none.
    pub after: &'a str,
}

fn put(h: &mut Sha256, bytes: &[u8]) {
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    h.update(len.to_be_bytes());
    h.update(bytes);
}

/// Lowercase hex SHA-256 of the canonical encoding of `prev_hash` and `f`.
pub fn entry_hash(prev_hash: &str, f: &AuditFields) -> String {
    let mut h = Sha256::new();
    put(&mut h, TAG);
    put(&mut h, prev_hash.as_bytes());
    put(&mut h, &f.seq.to_be_bytes());
    put(&mut h, &f.at_ms.to_be_bytes());
    for s in [
        f.actor,
        f.ip,
        f.action,
        f.entity,
        f.entity_id,
        f.before,
        f.after,
    ] {
        put(&mut h, s.as_bytes());
    }
    hex::encode(h.finalize())
}

/// An audit record as stored (已存审计记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAudit {
    pub seq: i64,
    pub at_ms: i64,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: String,
    pub after: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredAudit {
    /// Builds the record that follows `prev_hash`, computing its hash.
    pub fn seal(prev_hash: &str, f: &AuditFields) -> StoredAudit {
        StoredAudit {
            seq: f.seq,
            at_ms: f.at_ms,
            actor: f.actor.to_owned(),
            ip: f.ip.to_owned(),
            action: f.action.to_owned(),
            entity: f.entity.to_owned(),
            entity_id: f.entity_id.to_owned(),
            before: f.before.to_owned(),
            after: f.after.to_owned(),
            prev_hash: prev_hash.to_owned(),
            hash: entry_hash(prev_hash, f),
        }
    }

    pub fn fields(&self) -> AuditFields<'_> {
        AuditFields {
            seq: self.seq,
            at_ms: self.at_ms,
            actor: &self.actor,
            ip: &self.ip,
            action: &self.action,
            entity: &self.entity,
            entity_id: &self.entity_id,
            before: &self.before,
            after: &self.after,
        }
    }
}

/// Where and why a chain is broken (审计链断裂). `reason` is Chinese, for auditors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("audit chain broken at seq {seq}: {reason}")]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// Streaming verification of the audit chain (审计链校验): push records in seq order.
///
/// After the first break, every later `push` returns that same break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainVerifier {
    next_seq: i64,
    prev_hash: String,
    count: usize,
    broken: Option<ChainBreak>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier::new()
    }
}

impl ChainVerifier {
    /// Expects the chain from its start: seq 1 linked to [`GENESIS`].
    pub fn new() -> Self {
        ChainVerifier::resume(0, GENESIS)
    }

    /// Continues after a trusted checkpoint: the next record must have seq
    /// `last_seq + 1` and link to `last_hash`.
    pub fn resume(last_seq: i64, last_hash: &str) -> Self {
        ChainVerifier {
            next_seq: last_seq.saturating_add(1),
            prev_hash: last_hash.to_owned(),
            count: 0,
            broken: None,
        }
    }

    /// Checks the next record.
    pub fn push(&mut self, r: &StoredAudit) -> Result<(), ChainBreak> {
        if let Some(b) = &self.broken {
            return Err(b.clone());
        }
        let res = self.check(r);
        match res {
            Ok(()) => {
                self.next_seq = self.next_seq.saturating_add(1);
                self.prev_hash.clone_from(&r.hash);
                self.count += 1;
                Ok(())
            }
            Err(b) => {
                self.broken = Some(b.clone());
                Err(b)
            }
        }
    }

    fn check(&self, r: &StoredAudit) -> Result<(), ChainBreak> {
        let brk = |reason: String| ChainBreak { seq: r.seq, reason };
        let expected = self.next_seq;
        if r.seq > expected {
            return Err(brk(if r.seq - 1 == expected {
                format!("缺少序号{expected}的记录（可能被删除）")
            } else {
                format!("缺少序号{expected}至{}的记录（可能被删除）", r.seq - 1)
            }));
        }
        if r.seq < expected {
            return Err(brk(format!(
                "序号{}重复或顺序错乱（应为{expected}）",
                r.seq
            )));
        }
        if entry_hash(&r.prev_hash, &r.fields()) != r.hash {
            return Err(brk("记录内容与其哈希不符（记录被修改）".to_owned()));
        }
        if r.prev_hash != self.prev_hash {
            return Err(brk(
                "记录的前序哈希与上一条记录不符（记录被修改、删除或调换）".to_owned(),
            ));
        }
        Ok(())
    }

    /// Sequence number of the last verified record (0 before any, or the resume point).
    pub fn last_seq(&self) -> i64 {
        self.next_seq.saturating_sub(1)
    }

    /// Records verified so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Hash of the last verified record ([`GENESIS`] or the resume hash if none).
    pub fn last_hash(&self) -> &str {
        &self.prev_hash
    }
}

/// Verifies a whole chain from seq 1; returns the number of records.
pub fn verify_chain(records: &[StoredAudit]) -> Result<usize, ChainBreak> {
    let mut v = ChainVerifier::new();
    for r in records {
        v.push(r)?;
    }
    Ok(v.count())
}

/// The Chinese name of an audit action (审计操作名称), e.g. `item.approve` → 信息：审核通过, for
/// the people who read the log; `None` for a code this version does not name (it is shown as
/// it is).
pub fn action_label_zh(action: &str) -> Option<String> {
    let (entity, verb) = action.split_once('.')?;
    let fixed = match action {
        "item.create" => "新建信息",
        "item.attach" => "信息：添加附件",
        "item.detach" => "信息：删除附件",
        "item.import" => "信息：批量导入",
        "item.mask_pii" => "信息：个人信息一键脱敏",
        "item.publish" => "信息：发布",
        "item.validity" => "信息：变更有效性",
        "application.receive" => "申请：收到申请",
        "application.case" => "申请：记录复议/诉讼",
        "application.case_decided" => "申请：复议/诉讼结果",
        "application.deadline_recomputed" => "申请：重新计算答复期限",
        "application.code_reissued" => "申请：重复提交，重新生成查询码",
        "body.create" => "新增机构",
        "calendar.add" => "工作日历：新增年度安排",
        "calendar.replace" => "工作日历：修改年度安排",
        "notice.create" => "发布通知公告",
        "plan.import" => "导入工作要点",
        "plan.assign" => "工作要点：分解任务",
        "plan.milestone" => "工作要点：设置节点",
        "plan.milestone_done" => "工作要点：完成节点",
        "plan.report" => "工作要点：报送落实情况",
        "plan.review_report" => "工作要点：审阅报送",
        "plan.task_status" => "工作要点：更新任务状态",
        "plan.evidence" => "工作要点：上传佐证材料",
        "plan.year_end_report" => "工作要点：年度总结",
        "search_dictionary.save" => "保存检索词典",
        "token.create" => "创建接口令牌",
        "token.revoke" => "吊销接口令牌",
        "user.create" => "新建用户",
        "user.grant" => "授予角色",
        "user.login" => "登录",
        "user.login_failed" => "登录失败",
        "user.locked" => "账号临时锁定",
        _ => "",
    };
    if !fixed.is_empty() {
        return Some(fixed.to_owned());
    }
    // Workflow events are named where they are defined.
    let (what, label) = match entity {
        "item" => ("信息", crate::item::event_label_zh(verb)),
        "application" => ("申请", crate::application::process::event_label_zh(verb)),
        _ => return None,
    };
    let known = label != verb && label != "其他办理事项";
    known.then(|| format!("{what}：{label}"))
}

#[cfg(test)]
mod tests {
    use super::action_label_zh;

    #[test]
    fn audit_actions_have_chinese_names() {
        let named = |a: &str| action_label_zh(a).unwrap_or_else(|| panic!("{a} has no name"));
        assert_eq!(named("item.approve"), "信息：审核通过");
        assert_eq!(named("item.withdraw"), "信息：撤回");
        assert_eq!(named("application.extend"), "申请：延长答复期限");
        assert_eq!(named("user.login_failed"), "登录失败");
        assert_eq!(named("plan.report"), "工作要点：报送落实情况");
        for unknown in ["item.fly", "application.fly", "robot.dance", "noaction"] {
            assert_eq!(action_label_zh(unknown), None, "{unknown}");
        }
    }

    use super::*;
    use proptest::prelude::*;

    fn chain(n: i64) -> Vec<StoredAudit> {
        let mut out: Vec<StoredAudit> = Vec::new();
        let mut prev = GENESIS.to_owned();
        for seq in 1..=n {
            let id = seq.to_string();
            let after = format!("{{\"title\":\"标题{seq}\"}}");
            let r = StoredAudit::seal(
                &prev,
                &AuditFields {
                    seq,
                    at_ms: 1_700_000_000_000 + seq,
                    actor: "alice",
                    ip: "10.0.0.1",
                    action: "item.edit",
                    entity: "item",
                    entity_id: &id,
                    before: "",
                    after: &after,
                },
            );
            prev = r.hash.clone();
            out.push(r);
        }
        out
    }

    fn check(records: &[StoredAudit], expected: Result<usize, i64>) {
        let got = verify_chain(records).map_err(|b| b.seq);
        assert_eq!(got, expected);
    }

    #[test]
    fn intact_chains() {
        check(&[], Ok(0));
        check(&chain(1), Ok(1));
        check(&chain(50), Ok(50));
        assert_eq!(chain(1)[0].prev_hash, GENESIS);
        assert_eq!(GENESIS.len(), 64);
    }

    #[test]
    fn stable_hash() {
        let f = AuditFields {
            seq: 1,
            at_ms: 0,
            actor: "a",
            ip: "",
            action: "x",
            entity: "",
            entity_id: "",
            before: "",
            after: "",
        };
        let h = entry_hash(GENESIS, &f);
        assert_eq!(h.len(), 64);
        assert!(
            h.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        // Golden value: changing the encoding breaks every stored chain.
        assert_eq!(h, GOLDEN);
    }

    /// Also computed independently (Python hashlib) from the documented encoding.
    const GOLDEN: &str = "e79e7c745bef0efe10581755c26d2b8cbc0f3126055d1802921fa3cf23198120";

    #[test]
    fn encoding_is_unambiguous() {
        let base = AuditFields {
            seq: 1,
            at_ms: 0,
            actor: "ab",
            ip: "c",
            action: "",
            entity: "",
            entity_id: "",
            before: "",
            after: "",
        };
        let shifted = AuditFields {
            actor: "a",
            ip: "bc",
            ..base
        };
        assert_ne!(entry_hash(GENESIS, &base), entry_hash(GENESIS, &shifted));
        let moved = AuditFields {
            before: "x",
            ..base
        };
        let moved2 = AuditFields { after: "x", ..base };
        assert_ne!(entry_hash(GENESIS, &moved), entry_hash(GENESIS, &moved2));
    }

    #[test]
    fn modification_detected() {
        for field in 0..10 {
            let mut c = chain(5);
            let r = &mut c[2];
            match field {
                0 => r.at_ms += 1,
                1 => r.actor.push('x'),
                2 => r.ip = "10.0.0.2".into(),
                3 => r.action = "item.delete".into(),
                4 => r.entity = "user".into(),
                5 => r.entity_id = "99".into(),
                6 => r.before = "{}".into(),
                7 => r.after.push(' '),
                8 => r.prev_hash = GENESIS.into(),
                _ => r.hash = GENESIS.into(),
            }
            check(&c, Err(3));
        }
    }

    #[test]
    fn modification_with_recomputed_hash_detected_at_next() {
        let mut c = chain(5);
        c[2].after = "forged".into();
        let prev = c[2].prev_hash.clone();
        c[2].hash = entry_hash(&prev, &c[2].fields());
        check(&c, Err(4));
        // Rehashing the whole tail is the only way through, and the final hash changes.
        let orig_last = chain(5)[4].hash.clone();
        for i in 3..5 {
            c[i].prev_hash = c[i - 1].hash.clone();
            c[i].hash = entry_hash(&c[i].prev_hash, &c[i].fields());
        }
        check(&c, Ok(5));
        assert_ne!(c[4].hash, orig_last);
    }

    #[test]
    fn deletion_detected() {
        let mut c = chain(5);
        c.remove(2);
        check(&c, Err(4));
        let b = verify_chain(&c).unwrap_err();
        assert!(b.reason.contains("缺少序号3"), "{}", b.reason);
        let mut c = chain(5);
        c.remove(0);
        check(&c, Err(2));
        let mut c = chain(6);
        c.drain(1..4);
        assert_eq!(
            verify_chain(&c).unwrap_err().reason,
            "缺少序号2至4的记录（可能被删除）"
        );
        // Deleting the last records is invisible to the chain itself: callers compare
        // the count and last hash with an external checkpoint.
        let mut c = chain(5);
        c.pop();
        check(&c, Ok(4));
    }

    #[test]
    fn deletion_with_renumbering_detected() {
        let mut c = chain(5);
        c.remove(2);
        for (i, r) in c.iter_mut().enumerate() {
            r.seq = i64::try_from(i).unwrap() + 1;
        }
        check(&c, Err(3));
    }

    #[test]
    fn reorder_detected() {
        let mut c = chain(5);
        c.swap(1, 3);
        check(&c, Err(4));
        // Swapping contents but keeping seq order.
        let mut c = chain(5);
        let (a, b) = (c[1].seq, c[3].seq);
        c.swap(1, 3);
        c[1].seq = a;
        c[3].seq = b;
        check(&c, Err(2));
        // A duplicated record.
        let mut c = chain(3);
        let dup = c[1].clone();
        c.insert(2, dup);
        check(&c, Err(2));
    }

    #[test]
    fn streaming_and_resume() {
        let c = chain(10);
        let mut v = ChainVerifier::new();
        for r in &c[..6] {
            v.push(r).unwrap();
        }
        assert_eq!(v.count(), 6);
        assert_eq!(v.last_hash(), c[5].hash);
        let mut resumed = ChainVerifier::resume(6, &c[5].hash);
        for r in &c[6..] {
            resumed.push(r).unwrap();
        }
        assert_eq!(resumed.count(), 4);
        let mut wrong = ChainVerifier::resume(6, GENESIS);
        assert_eq!(wrong.push(&c[6]).unwrap_err().seq, 7);
        // The break is sticky.
        assert_eq!(wrong.push(&c[7]).unwrap_err().seq, 7);
        assert_eq!(wrong.count(), 0);
    }

    proptest! {
        #[test]
        fn any_single_byte_edit_is_detected(idx in 0usize..8, pos in 0usize..64, text in "\\PC{1,8}") {
            let mut c = chain(8);
            let r = &mut c[idx];
            let at = pos % (r.after.len() + 1);
            if r.after.is_char_boundary(at) {
                r.after.insert_str(at, &text);
                prop_assert_eq!(verify_chain(&c).map_err(|b| b.seq), Err(i64::try_from(idx).unwrap() + 1));
            }
        }
    }
}
