//! The demo city (海州市, fictional): the bodies the seed work plan names, one user per role, a
//! few hundred published items, some drafts waiting for review, and home-page notices. Loaded
//! through the application layer, so every demo record has its audit entry like a real one.

use std::collections::HashMap;

use crate::import::ItemRecord as DemoItem;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use gongkai_app::auth::{NewUser, SecretString};
use gongkai_app::domain::item::Validity;
use gongkai_app::domain::org::BodyKind;
use gongkai_app::domain::role::Role;
use gongkai_app::orgs::NewBody;
use gongkai_app::{App, Origin};
use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/demo_attachments.rs"));

pub const SITE_NAME: &str = "海州市人民政府信息公开";

const BODIES: &str = include_str!("../demo/bodies.json");
const ITEMS: &str = include_str!("../demo/items.json");
const NOTICES: &str = include_str!("../demo/notices.json");
/// The seed work plan, as the demo city's plan for this year (舟山→海州, 2016→2026), page
/// furniture and the defaced footer kept so the import shows what it skips.
const PLAN: &str = include_str!("../demo/workplan-2026.txt");

#[derive(Deserialize)]
struct DemoBody {
    code: String,
    name: String,
    #[serde(default)]
    short_names: Vec<String>,
    kind: String,
    parent: Option<String>,
}

#[derive(Deserialize)]
struct DemoNotice {
    title: String,
    date: String,
    body: String,
}

/// A demo account: login, password, role, body name.
pub struct DemoLogin {
    pub login: &'static str,
    pub password: &'static str,
    pub role: Role,
    pub body: String,
}

/// Demo accounts; their passwords are printed at start-up, so never use them in production.
const USERS: &[(&str, &str, Role, &str, &str)] = &[
    (
        "office",
        "demo-office-2026",
        Role::CityOffice,
        "市政府办公室",
        "市政务公开办 张主任",
    ),
    (
        "officer",
        "demo-officer-2026",
        Role::Officer,
        "市发改委",
        "市发改委 信息员 李明",
    ),
    (
        "reviewer",
        "demo-reviewer-2026",
        Role::Reviewer,
        "市发改委",
        "市发改委 审核员 王芳",
    ),
    (
        "bodyadmin",
        "demo-bodyadmin-2026",
        Role::BodyAdmin,
        "市发改委",
        "市发改委 管理员 赵强",
    ),
    (
        "auditor",
        "demo-auditor-2026",
        Role::Auditor,
        "海州市人民政府",
        "审计员 陈静",
    ),
];

fn demo_logins(app_bodies: &[gongkai_app::orgs::Body]) -> Vec<DemoLogin> {
    USERS
        .iter()
        .map(|(login, password, role, body, _)| DemoLogin {
            login,
            password,
            role: *role,
            body: app_bodies
                .iter()
                .find(|b| b.name == *body || b.short_names.iter().any(|s| s == body))
                .map_or_else(|| (*body).to_owned(), |b| b.name.clone()),
        })
        .collect()
}

pub fn print_logins(logins: &[DemoLogin]) {
    eprintln!("demo accounts (演示账号; for trying the system only):");
    for l in logins {
        eprintln!(
            "  {:<10} password {:<22} {} · {}",
            l.login,
            l.password,
            l.role.label_zh(),
            l.body
        );
    }
}

/// Loads the demo into an empty database; returns the demo accounts either way.
pub async fn load_if_empty(app: &App) -> Result<Vec<DemoLogin>> {
    if app.is_empty().await? {
        eprintln!("loading the demo city 海州市 …");
        load(app).await?;
        // Indexed before the portal listens: left to the follower, a newcomer's first search
        // found nothing for a moment.
        app.rebuild_search(|_, _| {})
            .await
            .map_err(|e| anyhow::anyhow!("indexing the demo items: {e:?}"))?;
    }
    Ok(demo_logins(&app.bodies().await?))
}

async fn load(app: &App) -> Result<()> {
    let origin = Origin { ip: "demo".into() };
    let bodies: Vec<DemoBody> = serde_json::from_str(BODIES).context("demo/bodies.json")?;
    for b in &bodies {
        let kind = BodyKind::parse(&b.kind).with_context(|| format!("body kind {}", b.kind))?;
        app.add_body(
            None,
            &origin,
            &NewBody {
                code: b.code.clone(),
                name: b.name.clone(),
                short_names: b.short_names.clone(),
                kind,
                parent_code: b.parent.clone(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo body {}: {e:?}", b.name))?;
    }
    let all = app.bodies().await?;
    for (login, password, role, body, name) in USERS {
        let body = all
            .iter()
            .find(|b| b.name == *body || b.short_names.iter().any(|s| s == body))
            .with_context(|| format!("demo body {body} missing"))?;
        let user = NewUser {
            login: (*login).to_owned(),
            display_name: (*name).to_owned(),
            body_code: body.code.clone(),
            role: *role,
            password: SecretString::from(*password),
            email: format!("{login}@haizhou.gov.example"),
        };
        app.add_user(None, &origin, user)
            .await
            .map_err(|e| anyhow::anyhow!("demo user {login}: {e:?}"))?;
    }
    load_items(app, &origin).await?;
    load_applications(app, &origin).await?;
    load_plan(app, &origin).await?;
    let office = app.actor_for_login("office").await?;
    let notices: Vec<DemoNotice> = serde_json::from_str(NOTICES).context("demo/notices.json")?;
    for n in notices {
        let date = NaiveDate::parse_from_str(&n.date, "%Y-%m-%d")?;
        app.add_notice(&office, &origin, &n.title, &n.body, date)
            .await?;
    }
    Ok(())
}

fn attachment(name: &str) -> Result<(String, Vec<u8>)> {
    DEMO_ATTACHMENTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, b)| ((*n).to_owned(), b.to_vec()))
        .with_context(|| format!("demo attachment {name} missing"))
}

async fn load_items(app: &App, origin: &Origin) -> Result<()> {
    let mut items: Vec<DemoItem> = serde_json::from_str(ITEMS).context("demo/items.json")?;
    items.sort_by(|a, b| a.published_on.cmp(&b.published_on));
    let bodies: HashMap<String, i64> = app
        .bodies()
        .await?
        .into_iter()
        .map(|b| (b.code, b.id))
        .collect();
    let office = app.actor_for_login("office").await?;
    let officer = app.actor_for_login("officer").await?;
    let officer_body = officer
        .grants
        .first()
        .map(|g| g.body_id)
        .context("officer has no body")?;
    let mut ids = HashMap::new();
    for it in &items {
        let input = it.input();
        let id = match it.status.as_str() {
            "published" => {
                let body = *bodies
                    .get(&it.body)
                    .with_context(|| format!("item body {}", it.body))?;
                let on = it
                    .published_on
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .with_context(|| format!("item {} has no publication date", it.key))?;
                let files = it
                    .attachments
                    .iter()
                    .map(|a| attachment(a))
                    .collect::<Result<Vec<_>>>()?;
                app.import_published(&office, origin, body, &input, on, &files)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo item {}: {e:?}", it.key))?
            }
            // Drafts are the officer's, so the demo reviewer finds them in the review queue.
            "draft" | "in_review" => {
                let id = app
                    .create_draft(&officer, origin, officer_body, &input)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo draft {}: {e:?}", it.key))?;
                for a in &it.attachments {
                    let (name, bytes) = attachment(a)?;
                    app.add_attachment(&officer, origin, id, &name, &bytes)
                        .await?;
                }
                if it.status == "in_review" {
                    app.submit(&officer, origin, id).await?;
                }
                id
            }
            other => bail!("demo item {} has status {other}", it.key),
        };
        ids.insert(it.key.clone(), id);
    }
    for it in &items {
        if let (Some(succ), Some(id)) = (&it.successor, ids.get(&it.key))
            && it.status == "published"
        {
            let succ_id = *ids.get(succ).with_context(|| format!("successor {succ}"))?;
            app.set_validity(&office, origin, *id, Validity::Revised, Some(succ_id))
                .await
                .map_err(|e| anyhow::anyhow!("demo successor of {}: {e:?}", it.key))?;
        }
    }
    Ok(())
}

/// A few applications to 市发改委 in every state, so the officer's queue looks like a real
/// week: overdue, due soon, paused for a third party, waiting for a supplement, replied.
async fn load_applications(app: &App, origin: &Origin) -> Result<()> {
    use gongkai_app::applications::{ApplicationInput, StaffAction};
    use gongkai_app::domain::application::ReplyOutcome;
    let officer = app.actor_for_login("officer").await?;
    let reviewer = app.actor_for_login("reviewer").await?;
    let body = app
        .bodies()
        .await?
        .into_iter()
        .find(|b| b.short_names.iter().any(|s| s == "市发改委"))
        .context("demo body 市发改委")?;
    // (received, requester, name, description, steps). Receipt dates are days before today, so
    // the demo shows the same picture whenever it is loaded: two overdue, the rest in time, and
    // the replied ones answered within their deadline (a reply is dated the day it is made).
    let cases: [(i64, &str, &str, &str, &str); 8] = [
        (
            42,
            "自然人",
            "陈某",
            "2025年海州市重点建设项目投资计划及完成情况",
            "accept",
        ),
        (
            32,
            "商业企业",
            "海州某某海洋科技有限公司",
            "《海州市政府核准的投资项目目录（2017年本）》执行情况及核准项目清单",
            "accept",
        ),
        (
            15,
            "自然人",
            "李某",
            "东港区某地块建设项目节能审查意见",
            "consult",
        ),
        (
            5,
            "社会公益组织",
            "海州市某某环保志愿者协会",
            "2026年重点排污单位名录及排污许可信息",
            "supplement",
        ),
        (
            6,
            "自然人",
            "王某",
            "海州市2026年居民阶梯电价调整的听证材料",
            "",
        ),
        (
            20,
            "自然人",
            "赵某",
            "2025年海州市粮食储备规模及轮换计划",
            "disclosed",
        ),
        (
            25,
            "法律服务机构",
            "浙江某某律师事务所",
            "某PPP项目的合同全文及回报机制",
            "refused",
        ),
        (
            10,
            "科研机构",
            "海州某某研究院",
            "2025年海州市能源消费总量和强度目标完成情况",
            "disclosed",
        ),
    ];
    for (days_ago, requester, name, description, plan) in cases {
        let received = (gongkai_app::today() - chrono::Duration::days(days_ago)).to_string();
        let organisation = requester != "自然人";
        let input = ApplicationInput {
            requester_type: requester.into(),
            name: name.into(),
            id_document: if organisation {
                String::new()
            } else {
                "330902198001010011".into()
            },
            org_code: if organisation {
                "91330900MA2A00000U".into()
            } else {
                String::new()
            },
            contact_person: if organisation {
                "联系人".into()
            } else {
                String::new()
            },
            phone: "0580-2281234".into(),
            description: description.into(),
            delivery: "email".into(),
            email: "applicant@example.org".into(),
            body_code: body.code.clone(),
            received_on: Some(received),
            channel: Some(if organisation { "post" } else { "online" }.into()),
            ..ApplicationInput::default()
        };
        let receipt = app
            .submit_application(Some(&officer), origin, input, &[])
            .await?;
        let id = receipt.id;
        let step = |who: &'static str, action: StaffAction| {
            let actor = if who == "reviewer" {
                reviewer.clone()
            } else {
                officer.clone()
            };
            async move { app.act_on_application(&actor, origin, id, action).await }
        };
        if plan == "supplement" {
            step(
                "officer",
                StaffAction::RequestSupplement {
                    items: "请写明所需名录的年份和区域范围".into(),
                },
            )
            .await?;
            continue;
        }
        if plan.is_empty() {
            continue;
        }
        step(
            "officer",
            StaffAction::Assign {
                body_code: body.code.clone(),
                officer_login: Some("officer".into()),
            },
        )
        .await?;
        step("officer", StaffAction::Accept).await?;
        match plan {
            "consult" => {
                step(
                    "officer",
                    StaffAction::ConsultThirdParty {
                        party: "海州某某置业有限公司".into(),
                        on: None,
                    },
                )
                .await?;
            }
            "disclosed" | "refused" => {
                let (outcome, text) = if plan == "disclosed" {
                    (
                        ReplyOutcome::Disclosed,
                        "所申请信息已整理，随本答复书以电子邮件方式提供。",
                    )
                } else {
                    (
                        ReplyOutcome::RefusedThirdPartyRights,
                        "该合同含有社会资本方的商业秘密，经征求意见，第三方不同意公开。",
                    )
                };
                step(
                    "officer",
                    StaffAction::SubmitDraft {
                        outcome,
                        reply_text: text.into(),
                    },
                )
                .await?;
                step("reviewer", StaffAction::Approve).await?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The seed plan imported, with progress reported on 市发改委's tasks and reviewed by the office.
async fn load_plan(app: &App, origin: &Origin) -> Result<()> {
    let office = app.actor_for_login("office").await?;
    let officer = app.actor_for_login("officer").await?;
    let plan_id = app
        .import_plan(&office, origin, PLAN, &HashMap::new())
        .await
        .map_err(|e| anyhow::anyhow!("demo plan: {e:?}"))?;
    let body = officer
        .grants
        .first()
        .map(|g| g.body_id)
        .context("officer body")?;
    let board = app.plan_board(&office, plan_id, Some(body), None).await?;
    let tasks: Vec<i64> = board
        .sections
        .iter()
        .flat_map(|(_, ts)| ts.iter().map(|t| t.id))
        .collect();
    let notes = [
        (
            "已在门户网站“信用海州”专栏归集发布行政许可、行政处罚信息1.2万条，与12个部门网站完成链接。",
            80,
        ),
        (
            "《海州市政府核准的投资项目目录（2026年本）》已印发并公开，配套解读同步发布。",
            100,
        ),
        (
            "投资项目在线审批监管平台已上线运行，项目审批信息按月公开。",
            60,
        ),
        (
            "PPP项目库已建立，首批8个项目推介信息已发布，合同和回报机制信息正在整理。",
            40,
        ),
        ("收费目录清单已梳理完毕，待市政府常务会议审议后公布。", 30),
    ];
    for (i, task) in tasks.iter().enumerate() {
        let Some((text, percent)) = notes.get(i) else {
            break;
        };
        let report = app
            .report_progress(&officer, origin, *task, body, text, *percent, "")
            .await?;
        match i {
            0 | 2 => {
                app.review_progress(
                    &office,
                    origin,
                    report,
                    gongkai_app::plans::ReportDecision::Accept,
                    "",
                )
                .await?
            }
            4 => {
                app.review_progress(
                    &office,
                    origin,
                    report,
                    gongkai_app::plans::ReportDecision::Return,
                    "请写明已公布清单的栏目链接",
                )
                .await?
            }
            _ => {}
        }
        if i == 1 {
            app.set_task_done(&office, origin, *task, true).await?;
        }
    }
    Ok(())
}
