//! Work-plan supervision through the console: import with preview and remembered mappings,
//! progress reports and their authorisation, the office's review, the board, the Excel export
//! and the year-end report.

use gongkai_app::domain::role::Role;
use reqwest::StatusCode;

use crate::db_tests;
use crate::helpers::{A, B, ROOT, TestApp, hidden_value};

db_tests!(
    import_with_preview_and_remembered_mapping,
    progress_reports_board_and_year_end
);

pub const PLAN: &str = "测试市人民政府办公室关于印发2026年测试市政务公开工作要点的通知

各县(区)人民政府,市政府直属各单位:
《2026年测试市政务公开工作要点》已经市政府同意,现印发给你们,请认真贯彻落实。

测试市人民政府办公室
2026年3月1日

2026年测试市政务公开工作要点

一、推进决策公开
(一)做好政策解读。
出台重要政策文件时同步发布解读材料，解读材料于文件公开后3个工作日内发布。(市发改委牵头,会同市财政局落实)
(二)推进预决算公开。
做好部门预决算公开工作，6月底前完成。(市财政局负责落实)
二、加强保障
加强外事信息公开。(市外事办负责落实)
各地要组织政务舆情监测。(各县(区)政府、相关部门负责落实)
返回上页】【打印】【关闭
";

async fn preview(t: &TestApp, client: &reqwest::Client) -> (StatusCode, String) {
    let html = client
        .get(t.url("/console/plans"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let csrf = hidden_value(&html, "csrf").expect("csrf");
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(PLAN.as_bytes().to_vec()).file_name("plan.txt"),
    );
    let resp = client
        .post(t.url("/console/plans/preview"))
        .multipart(form)
        .send()
        .await
        .expect("preview");
    let status = resp.status();
    (status, resp.text().await.expect("html"))
}

async fn import_with_preview_and_remembered_mapping(t: TestApp) {
    let office = t.console_as("office").await;
    let (s, html) = preview(&t, &office).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("4 项任务"), "task count in preview");
    assert!(
        html.contains("市外事办") && html.contains("未能对应到机构"),
        "unknown names listed"
    );
    assert!(
        html.contains("跳过的内容") && html.contains("返回上页"),
        "furniture reported"
    );
    assert!(
        html.contains("2 项任务没有对应到任何责任单位"),
        "tasks nobody would own are named: {html}"
    );
    assert_eq!(t.count("plan_tasks").await, 0, "a preview writes nothing");
    // Confirm, mapping the unknown office to the city government.
    let csrf = hidden_value(&html, "csrf").expect("csrf");
    let form: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("text", PLAN),
        ("map_name", "市外事办"),
        ("map_codes", ROOT),
        ("map_name", "各县(区)政府"),
        ("map_codes", ""),
    ];
    let resp = office
        .post(t.url("/console/plans/import"))
        .form(&form)
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.count("plan_tasks").await, 4);
    let (lead_a,): (i64,) = {
        let mut db = t.raw_db().await;
        sqlx::query_as("SELECT COUNT(*) FROM plan_task_bodies tb JOIN bodies b ON b.id = tb.body_id WHERE b.code = $1 AND tb.role = 'lead'")
            .bind(A)
            .fetch_one(&mut db)
            .await
            .expect("count")
    };
    assert_eq!(lead_a, 1, "市发改委 leads one task");
    // The mapping is remembered: the next preview knows 市外事办.
    let (_, html) = preview(&t, &office).await;
    assert!(!html.contains("<label>市外事办"), "mapping remembered");
    assert!(html.contains("1 项任务没有对应到任何责任单位"), "{html}");
    // A task whose clause named only a vague body (相关部门) is assigned by the office.
    let office_actor = t.app.actor_for_login("office").await.expect("office");
    let plan = t.app.plans().await.expect("plans")[0].id;
    let board = t
        .app
        .plan_board(&office_actor, plan, None, None)
        .await
        .expect("board");
    let vague = board.sections[1].1[1].clone();
    assert!(
        vague.lead.is_empty(),
        "相关部门 and unmapped names assign nobody: {:?}",
        vague.lead
    );
    let page = format!("/console/plans/{plan}/tasks/{}", vague.id);
    let html = office
        .get(t.url(&page))
        .send()
        .await
        .expect("task")
        .text()
        .await
        .expect("html");
    let csrf_o = hidden_value(&html, "csrf").expect("csrf");
    let resp = office
        .post(t.url(&format!("/console/plans/{plan}/tasks/{}/bodies", vague.id)))
        .form(&[
            ("csrf", csrf_o.as_str()),
            ("body_code", B),
            ("role", "lead"),
        ])
        .send()
        .await
        .expect("assign");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let board = t
        .app
        .plan_board(&office_actor, plan, None, None)
        .await
        .expect("board");
    assert_eq!(board.sections[1].1[1].lead, vec!["市财政局".to_owned()]);
    // Only the city office imports.
    let officer = t.console_as("officer_a").await;
    let html = officer
        .get(t.url("/console/plans"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(!html.contains("导入工作要点"));
    let form = reqwest::multipart::Form::new()
        .text("csrf", hidden_value(&html, "csrf").expect("csrf"))
        .text("text", PLAN);
    let resp = officer
        .post(t.url("/console/plans/preview"))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

async fn progress_reports_board_and_year_end(t: TestApp) {
    let office_actor = t.app.actor_for_login("office").await.expect("office");
    let plan = t
        .app
        .import_plan(
            &office_actor,
            &gongkai_app::Origin::cli(),
            PLAN,
            &Default::default(),
        )
        .await
        .expect("import");
    let board = t
        .app
        .plan_board(&office_actor, plan, None, None)
        .await
        .expect("board");
    let task = board.sections[0].1[0].clone();
    assert_eq!(task.lead, vec!["市发改委".to_owned()]);
    assert_eq!(task.co, vec!["市财政局".to_owned()]);
    let a = t.app.body_by_code(A).await.expect("A").id;
    let b = t.app.body_by_code(B).await.expect("B").id;
    let report_url = t.url(&format!("/console/plans/{plan}/tasks/{}/report", task.id));
    let post_report = |client: reqwest::Client,
                       csrf: String,
                       body: i64,
                       text: &'static str,
                       percent: &'static str| {
        let url = report_url.clone();
        async move {
            client
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("body_id", &body.to_string()),
                    ("text", text),
                    ("percent", percent),
                    ("evidence", "/items/1"),
                ])
                .send()
                .await
                .expect("report")
                .status()
        }
    };
    let officer_a = t.console_as("officer_a").await;
    let html = officer_a
        .get(t.url(&format!("/console/plans/{plan}/tasks/{}", task.id)))
        .send()
        .await
        .expect("task")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("报送进展"),
        "the lead body sees the report form"
    );
    let csrf_a = hidden_value(&html, "csrf").expect("csrf");
    assert_eq!(
        post_report(
            officer_a.clone(),
            csrf_a.clone(),
            a,
            "解读材料已同步发布",
            "60"
        )
        .await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post_report(officer_a.clone(), csrf_a.clone(), b, "冒名报送", "60").await,
        StatusCode::FORBIDDEN,
        "an officer reports only for their body"
    );
    assert_eq!(
        post_report(officer_a.clone(), csrf_a.clone(), a, "", "60").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        post_report(officer_a.clone(), csrf_a.clone(), a, "进度", "150").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // The co-responsible body reports too; a body with no part in the task cannot.
    let officer_b = t.console_as("officer_b").await;
    let html = officer_b
        .get(t.url(&format!("/console/plans/{plan}/tasks/{}", task.id)))
        .send()
        .await
        .expect("task")
        .text()
        .await
        .expect("html");
    let csrf_b = hidden_value(&html, "csrf").expect("csrf");
    assert_eq!(
        post_report(
            officer_b.clone(),
            csrf_b.clone(),
            b,
            "已配合提供预算数据",
            "50"
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let other_task = board.sections[0].1[1].clone();
    assert!(other_task.lead.contains(&"市财政局".to_owned()));
    let resp = officer_a
        .post(t.url(&format!(
            "/console/plans/{plan}/tasks/{}/report",
            other_task.id
        )))
        .form(&[
            ("csrf", csrf_a.as_str()),
            ("body_id", &a.to_string()),
            ("text", "不属于本单位"),
            ("percent", "10"),
        ])
        .send()
        .await
        .expect("report");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let after = t
        .app
        .plan_board(&office_actor, plan, None, None)
        .await
        .expect("board");
    let t1 = after.sections[0].1[0].clone();
    assert_eq!((t1.status.0, t1.percent), ("in_progress", 60));
    // The office returns one report (a comment is required), and marks the task done.
    let file = t.app.plan_task(&office_actor, task.id).await.expect("task");
    let office = t.console_as("office").await;
    let html = office
        .get(t.url(&format!("/console/plans/{plan}/tasks/{}", task.id)))
        .send()
        .await
        .expect("task")
        .text()
        .await
        .expect("html");
    let csrf_o = hidden_value(&html, "csrf").expect("csrf");
    let review = |id: i64, decision: &'static str, comment: &'static str| {
        let office = office.clone();
        let url = t.url(&format!("/console/plans/{plan}/reports/{id}/review"));
        let csrf = csrf_o.clone();
        let task_id = task.id.to_string();
        async move {
            office
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("decision", decision),
                    ("comment", comment),
                    ("task_id", task_id.as_str()),
                ])
                .send()
                .await
                .expect("review")
                .status()
        }
    };
    assert_eq!(
        review(file.reports[1].id, "return", "").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        review(file.reports[1].id, "return", "请补充佐证").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        review(file.reports[0].id, "accept", "").await,
        StatusCode::SEE_OTHER
    );
    let resp = officer_a
        .post(t.url(&format!(
            "/console/plans/{plan}/reports/{}/review",
            file.reports[0].id
        )))
        .form(&[
            ("csrf", csrf_a.as_str()),
            ("decision", "accept"),
            ("task_id", &task.id.to_string()),
        ])
        .send()
        .await
        .expect("review");
    assert_eq!(
        resp.status(),
        StatusCode::FORBIDDEN,
        "only the office reviews"
    );
    // The co-responsible body's 100 % is its part; the lead body's, once accepted, is the task.
    let status_now = || async {
        let board = t
            .app
            .plan_board(&office_actor, plan, None, None)
            .await
            .expect("board");
        board.sections[0].1[0].status.0
    };
    for (client, csrf, body) in [(&officer_b, &csrf_b, b), (&officer_a, &csrf_a, a)] {
        assert_eq!(
            post_report(client.clone(), csrf.clone(), body, "全部完成", "100").await,
            StatusCode::SEE_OTHER
        );
        let file = t.app.plan_task(&office_actor, task.id).await.expect("task");
        let last = file.reports.iter().map(|r| r.id).max().expect("a report");
        assert_eq!(review(last, "accept", "").await, StatusCode::SEE_OTHER);
        let expected = if body == a { "done" } else { "in_progress" };
        assert_eq!(status_now().await, expected, "after body {body}'s 100 %");
    }
    let resp = office
        .post(t.url(&format!("/console/plans/{plan}/tasks/{}/done", task.id)))
        .form(&[("csrf", csrf_o.as_str()), ("done", "done")])
        .send()
        .await
        .expect("done");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    // The board: status colours, charts as SVG, overdue list (the 6月底前 task of 2026 is late).
    let html = office
        .get(t.url(&format!("/console/plans/{plan}")))
        .send()
        .await
        .expect("board")
        .text()
        .await
        .expect("html");
    assert!(html.contains("<svg") && html.contains("各单位完成率"));
    assert!(html.contains("已完成"));
    let overdue_expected =
        gongkai_app::today() > chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("date");
    assert_eq!(html.contains("逾期任务"), overdue_expected);
    let html = office
        .get(t.url(&format!("/console/plans/{plan}?body={B}")))
        .send()
        .await
        .expect("board")
        .text()
        .await
        .expect("html");
    assert!(
        !html.contains("加强外事信息公开"),
        "filtered to 市财政局's tasks"
    );
    let resp = office
        .get(t.url(&format!("/console/plans/{plan}/export.xlsx")))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.bytes().await.expect("bytes").starts_with(b"PK"),
        "an XLSX is a zip"
    );
    // The year-end report is drafted from accepted or pending reports, edited and submitted.
    let html = officer_a
        .get(t.url(&format!("/console/plans/{plan}/year-end?body={A}")))
        .send()
        .await
        .expect("report")
        .text()
        .await
        .expect("html");
    assert!(html.contains("解读材料已同步发布") && html.contains("草稿"));
    let resp = officer_a
        .post(t.url(&format!("/console/plans/{plan}/year-end")))
        .form(&[
            ("csrf", csrf_a.as_str()),
            ("body", A),
            (
                "text",
                "测试市发展和改革委员会关于落实情况的报告\n全年任务均已完成。",
            ),
            ("submit", "1"),
        ])
        .send()
        .await
        .expect("save");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let html = office
        .get(t.url(&format!("/console/plans/{plan}/year-end?body={A}")))
        .send()
        .await
        .expect("report")
        .text()
        .await
        .expect("html");
    assert!(html.contains("全年任务均已完成") && html.contains("已报送"));
    let resp = office
        .get(t.url(&format!("/console/plans/{plan}/year-end.docx?body={A}")))
        .send()
        .await
        .expect("docx");
    assert!(resp.bytes().await.expect("bytes").starts_with(b"PK"));
    let resp = officer_b
        .get(t.url(&format!("/console/plans/{plan}/year-end?body={A}")))
        .send()
        .await
        .expect("other");
    assert_eq!(
        resp.status(),
        StatusCode::FORBIDDEN,
        "another body's report is not theirs"
    );
    let _ = Role::Officer;
}

db_tests!(milestones_evidence_summary_and_reminders);

async fn milestones_evidence_summary_and_reminders(t: TestApp) {
    let office_actor = t.app.actor_for_login("office").await.expect("office");
    let plan = t
        .app
        .import_plan(
            &office_actor,
            &gongkai_app::Origin::cli(),
            PLAN,
            &Default::default(),
        )
        .await
        .expect("import");
    let board = t
        .app
        .plan_board(&office_actor, plan, None, None)
        .await
        .expect("board");
    let task = board.sections[0].1[0].clone();
    let office = t.console_as("office").await;
    let page = format!("/console/plans/{plan}/tasks/{}", task.id);
    let html = office
        .get(t.url(&page))
        .send()
        .await
        .expect("task")
        .text()
        .await
        .expect("html");
    let csrf_o = hidden_value(&html, "csrf").expect("csrf");
    let tomorrow = (gongkai_app::today() + chrono::Duration::days(1)).to_string();
    let resp = office
        .post(t.url(&format!(
            "/console/plans/{plan}/tasks/{}/milestones",
            task.id
        )))
        .form(&[
            ("csrf", csrf_o.as_str()),
            ("title", "解读材料模板印发"),
            ("due_on", tomorrow.as_str()),
        ])
        .send()
        .await
        .expect("milestone");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    // Reminders: the milestone due tomorrow reaches 市发改委's officer; the 6月底前 task of
    // 市财政局, overdue, reaches 市财政局's officer.
    t.app.send_reminders().await.expect("reminders");
    let officer_a = t.app.actor_for_login("officer_a").await.expect("a");
    let (notes, _) = t.app.notifications(&officer_a).await.expect("notes");
    assert!(
        notes.iter().any(|n| n.message.contains("解读材料模板印发")),
        "{notes:?}"
    );
    let officer_b = t.app.actor_for_login("officer_b").await.expect("b");
    let (notes_b, _) = t.app.notifications(&officer_b).await.expect("notes");
    let june_passed =
        gongkai_app::today() > chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("date");
    assert_eq!(
        notes_b.iter().any(|n| n.message.contains("已逾期")),
        june_passed,
        "{notes_b:?}"
    );
    assert!(
        notes_b
            .iter()
            .any(|n| n.message.contains("解读材料模板印发")),
        "the co-responsible body is reminded too"
    );
    // The officer marks the milestone reached and reports with a file as evidence.
    let a_console = t.console_as("officer_a").await;
    let html = a_console
        .get(t.url(&page))
        .send()
        .await
        .expect("task")
        .text()
        .await
        .expect("html");
    let csrf_a = hidden_value(&html, "csrf").expect("csrf");
    let milestone = t
        .app
        .plan_task(&office_actor, task.id)
        .await
        .expect("task")
        .milestones[0]
        .id;
    let resp = a_console
        .post(t.url(&format!("/console/plans/{plan}/milestones/{milestone}")))
        .form(&[
            ("csrf", csrf_a.as_str()),
            ("done", "done"),
            ("task_id", &task.id.to_string()),
        ])
        .send()
        .await
        .expect("done");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(
        t.app
            .plan_task(&office_actor, task.id)
            .await
            .expect("task")
            .milestones[0]
            .done_on
            .is_some()
    );
    let a = t.app.body_by_code(A).await.expect("A").id;
    let report = t
        .app
        .report_progress(
            &officer_a,
            &gongkai_app::Origin::cli(),
            task.id,
            a,
            "模板已印发",
            40,
            "/items/1, https://example.gov/x",
        )
        .await
        .expect("report");
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf_a.clone())
        .text("task_id", task.id.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes("印发通知扫描件说明".as_bytes().to_vec())
                .file_name("佐证.txt"),
        );
    let resp = a_console
        .post(t.url(&format!("/console/plans/{plan}/reports/{report}/files")))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let html = office
        .get(t.url(&page))
        .send()
        .await
        .expect("task")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("佐证.txt") && html.contains("href=\"/items/1\""),
        "evidence listed with links"
    );
    let file = t
        .app
        .plan_task(&office_actor, task.id)
        .await
        .expect("task")
        .files[0]
        .id;
    let resp = office
        .get(t.url(&format!("/console/plan-files/{file}")))
        .send()
        .await
        .expect("download");
    assert_eq!(resp.text().await.expect("text"), "印发通知扫描件说明");
    // Another body cannot attach to 市发改委's report.
    let b_console = t.console_as("officer_b").await;
    let html = b_console
        .get(t.url(&page))
        .send()
        .await
        .expect("task")
        .text()
        .await
        .expect("html");
    let form = reqwest::multipart::Form::new()
        .text("csrf", hidden_value(&html, "csrf").expect("csrf"))
        .text("task_id", task.id.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.txt"),
        );
    let resp = b_console
        .post(t.url(&format!("/console/plans/{plan}/reports/{report}/files")))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // The office's summary across bodies.
    let html = office
        .get(t.url(&format!("/console/plans/{plan}/summary")))
        .send()
        .await
        .expect("summary")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("测试市发展和改革委员会")
            && html.contains("测试市财政局")
            && html.contains("未报送")
    );
    let resp = office
        .get(t.url(&format!("/console/plans/{plan}/summary.docx")))
        .send()
        .await
        .expect("docx");
    assert!(resp.bytes().await.expect("bytes").starts_with(b"PK"));
    let resp = a_console
        .get(t.url(&format!("/console/plans/{plan}/summary")))
        .send()
        .await
        .expect("summary");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}
