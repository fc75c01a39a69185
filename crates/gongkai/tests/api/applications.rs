//! Disclosure on application through HTTP: intake, the legal clock, every path through the
//! process, every outcome, authorisation, bad input, letters and the annual figures.

use gongkai_app::domain::application::ReplyOutcome;
use gongkai_app::domain::role::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{A, B, TestApp};

db_tests!(
    public_applies_and_follows_with_code,
    the_public_form_keeps_what_was_typed,
    staff_registers_with_legal_receipt_date,
    whole_process_with_consultation_extension_and_review,
    every_outcome_gets_its_letter,
    supplement_restarts_clock_and_overdue_closes,
    application_authorisation,
    bad_applications_are_refused_clearly,
    annual_figures_match_hand_count,
    calendar_change_recomputes_deadlines,
    an_applicant_follows_a_request_in_english,
    the_console_assigns_to_a_body_chosen_from_a_list,
    the_console_lists_page_and_find_applications,
    the_console_withdraws_and_says_why_it_cannot_extend,
    the_track_page_says_how_long_to_wait,
    review_cases_follow_each_other_in_order,
);

fn application(body: &str) -> Value {
    json!({
        "requester_type": "自然人",
        "name": "张三",
        "id_document": "330902198001010011",
        "contact": "13800000000",
        "description": "2025年海州市城乡居民最低生活保障资金发放明细",
        "delivery": "email",
        "body_code": body,
    })
}

/// The portal form's fields for an organisation applicant.
fn apply_form(csrf: &str) -> reqwest::multipart::Form {
    apply_form_with(csrf, &[])
}

/// [`apply_form`] with some fields' values replaced or added.
fn apply_form_with(csrf: &str, replaced: &[(&str, &str)]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in replaced {
        form = form.text(k.to_string(), v.to_string());
    }
    for (k, v) in [
        ("csrf", csrf),
        ("requester_type", "commercial"),
        ("name", "海州某某科技有限公司"),
        ("org_code", "91330900MA2A00000U"),
        ("phone", "0580-2281234"),
        ("description", "本单位所在地块的土地出让合同"),
        ("delivery", "paper"),
        ("body_code", A),
    ] {
        if replaced.iter().all(|(r, _)| *r != k) {
            form = form.text(k, v.to_owned());
        }
    }
    form
}

/// The applicant's view, with the code in its header.
async fn as_applicant(t: &TestApp, tracking: &str, code: &str) -> (StatusCode, Value) {
    let resp = t
        .http
        .get(t.url(&format!("/api/v1/applications/{tracking}")))
        .header("x-secret-code", code)
        .send()
        .await
        .expect("get");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Submits an application as the public; returns (tracking, code).
async fn apply(t: &TestApp, body: &str) -> (String, String) {
    let (s, v) = t
        .post("/api/v1/applications", None, application(body))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (
        v["tracking_number"].as_str().expect("tracking").to_owned(),
        v["secret_code"].as_str().expect("code").to_owned(),
    )
}

/// The database id of the application `tracking` (body A's).
async fn application_id(t: &TestApp, tracking: &str) -> i64 {
    let officer = t.app.actor_for_login("officer_a").await.expect("actor");
    let file = t.app.application_by_tracking(&officer, tracking).await;
    file.expect("file").application.row.id
}

/// Registers an application as the officer of `body` with a receipt date.
async fn register(t: &TestApp, body: &str, received_on: &str, requester: &str) -> String {
    // Each its own request: the same form again within minutes is taken as sent twice.
    static SENT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut a = application(body);
    a["description"] = json!(format!(
        "{}（第{n}份）",
        a["description"].as_str().unwrap_or("")
    ));
    a["received_on"] = json!(received_on);
    a["channel"] = json!("post");
    a["requester_type"] = json!(requester);
    if requester != "自然人" {
        a["org_code"] = json!("91330900MA2A00000U");
    }
    let (s, v) = t
        .post(
            "/api/v1/applications",
            Some(&t.token(Role::Officer, body)),
            a,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["tracking_number"].as_str().expect("tracking").to_owned()
}

async fn step(
    t: &TestApp,
    tracking: &str,
    role: Role,
    body: &str,
    action: Value,
) -> (StatusCode, Value) {
    t.post(
        &format!("/api/v1/applications/{tracking}/actions"),
        Some(&t.token(role, body)),
        action,
    )
    .await
}

async fn ok_step(t: &TestApp, tracking: &str, role: Role, action: Value) -> Value {
    let (s, v) = step(t, tracking, role, A, action.clone()).await;
    assert_eq!(s, StatusCode::OK, "{action} → {v}");
    v
}

/// Takes a registered application of body A to a reply with `outcome`.
async fn reply_with(t: &TestApp, tracking: &str, outcome: &str) -> Value {
    ok_step(
        t,
        tracking,
        Role::Officer,
        json!({"action": "assign", "body_code": A, "officer": "officer_a"}),
    )
    .await;
    ok_step(t, tracking, Role::Officer, json!({"action": "accept"})).await;
    ok_step(
        t,
        tracking,
        Role::Officer,
        json!({"action": "submit_draft", "outcome": outcome, "note": "经查，答复如下。"}),
    )
    .await;
    ok_step(t, tracking, Role::Reviewer, json!({"action": "approve"})).await
}

async fn public_applies_and_follows_with_code(t: TestApp) {
    let (tracking, code) = apply(&t, A).await;
    let year = gongkai_app::today().format("%Y").to_string();
    assert!(tracking.starts_with(&format!("YSQ-{year}-")), "{tracking}");
    let expect_due =
        gongkai_app::domain::calendar::builtin().add_working_days(gongkai_app::today(), 20);
    let (s, v) = as_applicant(&t, &tracking, &code).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "registered");
    assert_eq!(v["reply_due_on"], expect_due.to_string());
    assert_eq!(v["events"][0]["kind"], "received");
    assert_eq!(v["letters"][0]["kind"], "acknowledgement");
    assert_eq!(
        v["name"],
        Value::Null,
        "the applicant view carries no staff-only fields"
    );
    // Stored keyed (HMAC), not as a plain hash a leaked database would let anyone brute-force.
    let mut db = t.raw_db().await;
    let (stored,): (String,) =
        sqlx::query_as("SELECT secret_hash FROM applications WHERE tracking_number = $1")
            .bind(&tracking)
            .fetch_one(&mut db)
            .await
            .expect("row");
    assert_ne!(stored, gongkai_app::auth::sha256_hex(&code));
    assert!(!stored.contains(&code));
    // The code is typed loosely: lower case, without the dash.
    let loose = code.replace('-', "").to_lowercase();
    let (s, _) = as_applicant(&t, &tracking, &loose).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = as_applicant(&t, &tracking, "WRONG-CODE").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, _) = t
        .get(&format!("/api/v1/applications/{tracking}"), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The portal form works without an account too.
    let (client, csrf) = t.public_form("/apply").await;
    let resp = client
        .post(t.url("/apply"))
        .multipart(
            apply_form(&csrf).part(
                "file",
                reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec())
                    .file_name("营业执照.pdf"),
            ),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.expect("html");
    let (tracking2, code2) = (shown(&html, "tracking"), shown(&html, "secret"));
    // The same form sent again (a double click, a reload) is the same application, under a new
    // access code: the first answer may never have been seen.
    let before = t.count("applications").await;
    let again = client
        .post(t.url("/apply"))
        .multipart(apply_form(&csrf))
        .send()
        .await
        .expect("post");
    assert_eq!(again.status(), StatusCode::OK);
    let html = again.text().await.expect("html");
    assert!(html.contains("没有重复登记"), "{html}");
    let (tracking3, code3) = (shown(&html, "tracking"), shown(&html, "secret"));
    assert_eq!(tracking3, tracking2);
    assert_ne!(code3, code2);
    assert_eq!(t.count("applications").await, before, "nothing written");
    let earlier = t.app.application_for_applicant(&tracking2, &code2).await;
    assert!(earlier.is_err(), "the earlier code no longer works");
    let code2 = code3;
    let resp = client
        .post(t.url("/track"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("tracking", tracking2.as_str()),
            ("code", code2.as_str()),
        ])
        .send()
        .await
        .expect("track");
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.expect("html");
    assert!(
        html.contains("收到申请") && html.contains("政府信息公开申请登记回执"),
        "status page shows timeline and letters"
    );
    // Staff of the body see the attached file; a wrong type is refused on the form.
    let officer = t.app.actor_for_login("officer_a").await.expect("officer");
    let file = t
        .app
        .application_by_tracking(&officer, &tracking2)
        .await
        .expect("file");
    assert_eq!(file.files.len(), 1);
    assert_eq!(file.files[0].filename, "营业执照.pdf");
    let resp = client
        .post(t.url("/apply"))
        .multipart(apply_form(&csrf).part(
            "file",
            reqwest::multipart::Part::bytes(b"MZ\x90\x00".to_vec()).file_name("a.pdf"),
        ))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text()
            .await
            .expect("html")
            .contains("不支持的文件类型")
    );
}

/// The public form refused keeps what was typed: files over the total, a field beside its
/// message.
async fn the_public_form_keeps_what_was_typed(t: TestApp) {
    let (client, csrf) = t.public_form("/apply").await;
    // Every field the form can refuse shows its message beside it, not only in the count.
    let resp = client
        .post(t.url("/apply"))
        .multipart(apply_form_with(
            &csrf,
            &[("delivery", "post"), ("purpose", &"用".repeat(1001))],
        ))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.expect("html");
    for message in ["选择邮寄的，请填写通信地址", "用途说明不超过1000字"] {
        assert!(
            html.contains(&format!("<div class=\"field-error\">{message}</div>")),
            "{message}: {html}"
        );
    }
    // Attachments over the form's total are refused with what was typed kept (last: the
    // server answers before reading the rest and closes the connection).
    let resp = client
        .post(t.url("/apply"))
        .multipart(apply_form(&csrf).part(
            "file",
            reqwest::multipart::Part::bytes(vec![b'%'; 26 << 20]).file_name("扫描件.pdf"),
        ))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = resp.text().await.expect("html");
    assert!(
        html.contains("附件合计超过 25 MB") && html.contains("本单位所在地块的土地出让合同"),
        "{html}"
    );
}

async fn staff_registers_with_legal_receipt_date(t: TestApp) {
    let tracking = register(&t, A, "2026-02-10", "自然人").await;
    let (s, v) = t
        .get(
            &format!("/api/v1/applications/{tracking}"),
            Some(&t.token(Role::Officer, A)),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["reply_due_on"], "2026-03-16",
        "Spring Festival and make-up Saturdays counted"
    );
    assert_eq!(v["channel"], "post");
    assert_eq!(v["urgency"], "overdue");
    assert_eq!(v["name"], "张三");
    // A receipt date in the future is refused.
    let mut a = application(A);
    a["received_on"] = json!((gongkai_app::today() + chrono::Duration::days(3)).to_string());
    let (s, v) = t
        .post("/api/v1/applications", Some(&t.token(Role::Officer, A)), a)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["fields"][0]["field"], "received_on");
    // The queue shows it, overdue first.
    let (_, q) = t
        .get("/api/v1/applications", Some(&t.token(Role::Officer, A)))
        .await;
    assert_eq!(q[0]["tracking_number"], tracking.as_str());
}

async fn whole_process_with_consultation_extension_and_review(t: TestApp) {
    let (tracking, code) = apply(&t, A).await;
    let before: Value = t
        .get(
            &format!("/api/v1/applications/{tracking}"),
            Some(&t.token(Role::Officer, A)),
        )
        .await
        .1;
    ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "assign", "body_code": A, "officer": "officer_a"}),
    )
    .await;
    ok_step(&t, &tracking, Role::Officer, json!({"action": "accept"})).await;
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "consult_third_party", "note": "海州某某公司"}),
    )
    .await;
    assert_eq!(v["status"], "consulting_third_party");
    assert_eq!(v["reply_due_on"], Value::Null, "the clock stops");
    assert_eq!(v["urgency"], "paused");
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "end_consultation", "note": "第三方不同意公开"}),
    )
    .await;
    assert_eq!(
        v["reply_due_on"], before["reply_due_on"],
        "a same-day consultation excludes nothing"
    );
    // Only the approving role may extend, and only once.
    let (s, _) = step(
        &t,
        &tracking,
        Role::Officer,
        A,
        json!({"action": "extend", "note": "需要调取档案"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let v = ok_step(
        &t,
        &tracking,
        Role::Reviewer,
        json!({"action": "extend", "note": "需要调取档案"}),
    )
    .await;
    assert_eq!(v["extended"], true);
    let cal = gongkai_app::domain::calendar::builtin();
    let due = chrono::NaiveDate::parse_from_str(
        before["reply_due_on"].as_str().expect("due"),
        "%Y-%m-%d",
    )
    .expect("date");
    let extended_due =
        chrono::NaiveDate::parse_from_str(v["reply_due_on"].as_str().expect("due"), "%Y-%m-%d")
            .expect("date");
    assert_eq!(cal.working_days_between(due, extended_due), 20);
    let (s, v) = step(
        &t,
        &tracking,
        Role::Reviewer,
        A,
        json!({"action": "extend", "note": "再次延期"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("已延长过一次")),
        "the refusal says why: {v}"
    );
    // Draft, returned, drafted again, approved by the reviewer (not by the drafter).
    ok_step(&t, &tracking, Role::Officer, json!({"action": "submit_draft", "outcome": "refused.third_party", "note": "该信息涉及第三方商业秘密，第三方不同意公开。"})).await;
    let (s, _) = step(
        &t,
        &tracking,
        Role::Reviewer,
        A,
        json!({"action": "reject"}),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejection needs a note"
    );
    let v = ok_step(
        &t,
        &tracking,
        Role::Reviewer,
        json!({"action": "reject", "note": "请写明第三方意见"}),
    )
    .await;
    assert_eq!(v["status"], "in_progress");
    // The returned draft's outcome and text wait in the officer's form, to be corrected.
    let id = application_id(&t, &tracking).await;
    let officer = t.console_as("officer_a").await;
    let html = t
        .html_as(&officer, &format!("/console/applications/{id}"))
        .await;
    assert!(
        html.contains("<option value=\"refused.third_party\" selected>")
            && html.contains(
                "class=\"tall-8\">该信息涉及第三方商业秘密，第三方不同意公开。</textarea>"
            ),
        "{html}"
    );
    ok_step(&t, &tracking, Role::Officer, json!({"action": "submit_draft", "outcome": "refused.third_party", "note": "该信息涉及第三方商业秘密，第三方书面不同意公开。"})).await;
    let v = ok_step(&t, &tracking, Role::Reviewer, json!({"action": "approve"})).await;
    assert_eq!(v["status"], "replied");
    assert_eq!(v["outcome"], "refused.third_party");
    let reply = v["letters"]
        .as_array()
        .expect("letters")
        .iter()
        .find(|l| l["kind"] == "reply")
        .expect("reply letter")
        .clone();
    let text = reply["body"].as_str().expect("body");
    assert!(
        text.contains("第十五条") && text.contains("行政复议") && text.contains("行政诉讼"),
        "{text}"
    );
    assert!(
        v["letters"]
            .as_array()
            .expect("letters")
            .iter()
            .any(|l| l["kind"] == "extension_notice")
    );
    // The applicant sees the reply, not the internal draft or rejection.
    let (_, mine) = as_applicant(&t, &tracking, &code).await;
    let kinds: Vec<&str> = mine["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"approve")
            && !kinds.contains(&"reject")
            && !kinds.contains(&"submit_draft"),
        "{kinds:?}"
    );
    // The letter downloads as a Word file from the console.
    let console = t.console_as("officer_a").await;
    let id = application_id(&t, &tracking).await;
    let resp = console
        .get(t.url(&format!(
            "/console/applications/{id}/letters/{}/docx",
            reply["id"]
        )))
        .send()
        .await
        .expect("docx");
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"PK"), "a DOCX is a zip");
    let v = ok_step(&t, &tracking, Role::Officer, json!({"action": "archive"})).await;
    assert_eq!(v["status"], "archived");
    // Reconsideration recorded against it.
    ok_step(&t, &tracking, Role::Officer, json!({"action": "record_case", "kind": "reconsideration", "result": "upheld", "filed_on": gongkai_app::today().to_string(), "decided_on": gongkai_app::today().to_string()})).await;
}

async fn every_outcome_gets_its_letter(t: TestApp) {
    for outcome in ReplyOutcome::ALL.into_iter().filter(|o| !o.is_automatic()) {
        let tracking = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
        if outcome.requires_supplement() {
            ok_step(
                &t,
                &tracking,
                Role::Officer,
                json!({"action": "request_supplement", "note": "请说明所需信息的文号"}),
            )
            .await;
            ok_step(
                &t,
                &tracking,
                Role::Officer,
                json!({"action": "receive_supplement"}),
            )
            .await;
        }
        let v = reply_with(&t, &tracking, outcome.code()).await;
        assert_eq!(v["outcome"], outcome.code());
        let reply = v["letters"]
            .as_array()
            .expect("letters")
            .iter()
            .find(|l| l["kind"] == "reply")
            .expect("reply")
            .clone();
        let text = reply["body"].as_str().expect("text");
        assert!(
            text.contains(&format!("经审查，{}", outcome.finding_zh())),
            "{outcome:?}: {text}"
        );
        assert_eq!(
            text.contains("行政复议"),
            outcome.is_refusal(),
            "{outcome:?} remedies"
        );
    }
    // The automatic outcomes cannot be chosen by hand.
    let tracking = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
    ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "assign", "body_code": A}),
    )
    .await;
    ok_step(&t, &tracking, Role::Officer, json!({"action": "accept"})).await;
    let (s, _) = step(
        &t,
        &tracking,
        Role::Officer,
        A,
        json!({"action": "submit_draft", "outcome": "other.fee_unpaid", "note": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn supplement_restarts_clock_and_overdue_closes(t: TestApp) {
    let tracking = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
    let (s, _) = step(
        &t,
        &tracking,
        Role::Officer,
        A,
        json!({"action": "request_supplement", "note": ""}),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the notice must list what is missing"
    );
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "request_supplement", "note": "请写明所需信息的文号和年份"}),
    )
    .await;
    assert_eq!(v["status"], "supplement_requested");
    assert_eq!(v["reply_due_on"], Value::Null);
    assert!(
        v["letters"]
            .as_array()
            .expect("letters")
            .iter()
            .any(|l| l["kind"] == "supplement_notice")
    );
    let (s, _) = step(
        &t,
        &tracking,
        Role::Officer,
        A,
        json!({"action": "supplement_overdue"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "not overdue yet");
    let (s, _) = step(
        &t,
        &tracking,
        Role::Officer,
        A,
        json!({"action": "receive_supplement", "on": "2026-09-02"}),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a supplement cannot arrive before it was asked for"
    );
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "receive_supplement"}),
    )
    .await;
    let expect =
        gongkai_app::domain::calendar::builtin().add_working_days(gongkai_app::today(), 20);
    assert_eq!(
        v["reply_due_on"],
        expect.to_string(),
        "20 working days from the supplement's receipt"
    );
    // Another one, asked months after its receipt: the notice goes out, the clock runs on.
    let tracking = register(&t, A, "2026-09-01", "自然人").await;
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "request_supplement", "note": "请补充身份证明"}),
    )
    .await;
    assert_eq!(v["status"], "supplement_requested");
    assert_eq!(v["urgency"], "overdue", "a late notice stops nothing: {v}");
    assert!(v["reply_due_on"].is_string(), "{v}");
    // Left unanswered: move the notice into its 7 days, then close it.
    let mut db = t.raw_db().await;
    sqlx::query(
        "UPDATE application_events SET on_date = '2026-09-02' WHERE kind = 'request_supplement'",
    )
    .execute(&mut db)
    .await
    .expect("backdate");
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "supplement_overdue"}),
    )
    .await;
    assert_eq!(v["status"], "closed");
    assert_eq!(
        v["urgency"], "closed",
        "a closed file has no clock to pause"
    );
    assert_eq!(v["outcome"], "other.supplement_overdue");
    assert!(
        v["letters"]
            .as_array()
            .expect("letters")
            .iter()
            .any(|l| l["kind"] == "closing_notice")
    );
}

async fn application_authorisation(t: TestApp) {
    let tracking = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
    let (s, _) = t
        .get(
            &format!("/api/v1/applications/{tracking}"),
            Some(&t.token(Role::Officer, B)),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "other bodies do not see it");
    let (s, _) = t
        .get(
            &format!("/api/v1/applications/{tracking}"),
            Some(&t.token(Role::BodyAdmin, A)),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "body admins may look");
    let (s, _) = step(
        &t,
        &tracking,
        Role::BodyAdmin,
        A,
        json!({"action": "accept"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "but not handle");
    let (s, _) = step(
        &t,
        &tracking,
        Role::Reviewer,
        A,
        json!({"action": "assign", "body_code": A}),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "reviewers approve, they do not handle"
    );
    let (s, _) = step(&t, &tracking, Role::Auditor, A, json!({"action": "accept"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = step(&t, &tracking, Role::Officer, B, json!({"action": "accept"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Officers register only for their own body.
    let mut a = application(B);
    a["received_on"] = json!(gongkai_app::today().to_string());
    let (s, _) = t
        .post("/api/v1/applications", Some(&t.token(Role::Officer, A)), a)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The officer cannot approve the reply they drafted, even as city office.
    let office = t.token(Role::CityOffice, A);
    t.post(
        &format!("/api/v1/applications/{tracking}/actions"),
        Some(&office),
        json!({"action": "assign", "body_code": A}),
    )
    .await;
    t.post(
        &format!("/api/v1/applications/{tracking}/actions"),
        Some(&office),
        json!({"action": "accept"}),
    )
    .await;
    t.post(
        &format!("/api/v1/applications/{tracking}/actions"),
        Some(&office),
        json!({"action": "submit_draft", "outcome": "disclosed", "note": "予以公开"}),
    )
    .await;
    let (s, v) = t
        .post(
            &format!("/api/v1/applications/{tracking}/actions"),
            Some(&office),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
}

async fn bad_applications_are_refused_clearly(t: TestApp) {
    let (s, v) = t
        .post("/api/v1/applications", None, json!({"body_code": A}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    for f in [
        "requester_type",
        "name",
        "contact",
        "description",
        "delivery",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let mut a = application(A);
    a["contact"] = json!("not a phone");
    a["requester_type"] = json!("商业企业");
    let (s, v) = t.post("/api/v1/applications", None, a).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"org_code") && fields.contains(&"phone"),
        "{fields:?}"
    );
    let (s, _) = t
        .post("/api/v1/applications", None, application("999999999"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.count("applications").await, 0, "nothing written");
    // Rate limit: a burst is allowed, a flood is not.
    let mut statuses = Vec::new();
    for _ in 0..14 {
        statuses.push(t.post("/api/v1/applications", None, application(A)).await.0);
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

async fn annual_figures_match_hand_count(t: TestApp) {
    // Last year: two carried over into this year (one concluded this year, one still open);
    // this year: four received (natural person ×2, commercial, legal service), three concluded.
    // The report year is this year: replies are dated today, so the figures are this year's.
    let year = chrono::Datelike::year(&gongkai_app::today());
    let last = |md: &str| format!("{}-{md}", year - 1);
    let this = format!("{year}-01-01");
    let c1 = register(&t, A, &last("12-20"), "自然人").await;
    let _c2 = register(&t, A, &last("12-22"), "商业企业").await;
    let n1 = register(&t, A, &this, "自然人").await;
    let n2 = register(&t, A, &this, "自然人").await;
    let n3 = register(&t, A, &this, "商业企业").await;
    let _n4 = register(&t, A, &this, "法律服务机构").await;
    reply_with(&t, &c1, "disclosed").await;
    reply_with(&t, &n1, "disclosed").await;
    reply_with(&t, &n2, "unavailable.not_held").await;
    let v = reply_with(&t, &n3, "refused.third_party").await;
    assert_eq!(v["status"], "replied");
    ok_step(&t, &n3, Role::Officer, json!({"action": "record_case", "kind": "reconsideration", "result": "upheld", "filed_on": gongkai_app::today().to_string(), "decided_on": gongkai_app::today().to_string()})).await;
    ok_step(&t, &n1, Role::Officer, json!({"action": "record_case", "kind": "litigation_direct", "result": "pending", "filed_on": gongkai_app::today().to_string()})).await;
    let (s, f) = t
        .get(
            &format!("/api/v1/reports/applications?body_code={A}&year={year}"),
            Some(&t.token(Role::Officer, A)),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["problems"], json!([]));
    let row = |label: &str| -> Vec<i64> {
        f["table3"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r[0].as_str().is_some_and(|l| l.starts_with(label)))
            .unwrap_or_else(|| panic!("row {label}"))[1]
            .as_array()
            .expect("cells")
            .iter()
            .map(|c| c.as_i64().expect("n"))
            .collect()
    };
    //                 自然人 商业 科研 公益 法律 其他 总计
    assert_eq!(row("一、"), vec![2, 1, 0, 0, 1, 0, 4]);
    assert_eq!(row("二、"), vec![1, 1, 0, 0, 0, 0, 2]);
    assert_eq!(row("（一）"), vec![2, 0, 0, 0, 0, 0, 2]);
    assert_eq!(row("（七）"), vec![3, 1, 0, 0, 0, 0, 4]);
    assert_eq!(row("四、"), vec![0, 1, 0, 0, 1, 0, 2]);
    let t4: Vec<i64> = f["table4"]
        .as_array()
        .expect("t4")
        .iter()
        .map(|c| c.as_i64().expect("n"))
        .collect();
    assert_eq!(t4, vec![1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    // The pending lawsuit is decided later: table 四 moves it from 尚未审结 to 结果维持.
    let officer = t.app.actor_for_login("officer_a").await.expect("officer");
    let case_id = t
        .app
        .application_by_tracking(&officer, &n1)
        .await
        .expect("file")
        .cases[0]
        .id;
    let today = gongkai_app::today().to_string();
    let (s, v) = step(&t, &n1, Role::Officer, A, json!({"action": "decide_case", "case_id": case_id, "result": "pending", "decided_on": today})).await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a decision is not pending: {v}"
    );
    ok_step(&t, &n1, Role::Officer, json!({"action": "decide_case", "case_id": case_id, "result": "upheld", "decided_on": today})).await;
    let (_, f) = t
        .get(
            &format!("/api/v1/reports/applications?body_code={A}&year={year}"),
            Some(&t.token(Role::Officer, A)),
        )
        .await;
    let t4: Vec<i64> = f["table4"]
        .as_array()
        .expect("t4")
        .iter()
        .map(|c| c.as_i64().expect("n"))
        .collect();
    assert_eq!(t4, vec![1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    assert_eq!(f["problems"], json!([]));
    // Other bodies' officers cannot read A's figures.
    let (s, _) = t
        .get(
            &format!("/api/v1/reports/applications?body_code={A}&year={year}"),
            Some(&t.token(Role::Officer, B)),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A year with no possible records is refused, and the console page says why.
    let officer = t.token(Role::Officer, A);
    for bad in ["99999", "2007", "-1"] {
        let (s, v) = t
            .get(
                &format!("/api/v1/reports/applications?body_code={A}&year={bad}"),
                Some(&officer),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
    }
    let client = t.console_as("officer_a").await;
    for (query, says) in [
        (format!("body={A}&year=99999"), "年度应在 2008 年"),
        ("body=abc".to_owned(), "机构代码 abc 不存在"),
    ] {
        let html = t
            .html_as(&client, &format!("/console/applications/report?{query}"))
            .await;
        assert!(html.contains(says), "{query}: {html}");
    }
    // The page lays table 三 out as the format prints it, and exports both tables.
    let html = t
        .html_as(
            &client,
            &format!("/console/applications/report?body={A}&year={year}"),
        )
        .await;
    for part in [
        "<th scope=\"colgroup\" colspan=\"5\">法人或其他组织</th>",
        "<th scope=\"rowgroup\" colspan=\"8\">三、本年度办理结果</th>",
        "第一项加第二项之和，等于第三项加第四项之和",
        "report.xlsx?body=",
    ] {
        assert!(html.contains(part), "{part}: {html}");
    }
    let resp = client
        .get(t.url(&format!(
            "/console/applications/report.xlsx?body={A}&year={year}"
        )))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.expect("bytes");
    let mut book = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut book.by_name("xl/sharedStrings.xml").expect("strings"),
        &mut strings,
    )
    .expect("utf-8");
    for text in [
        "法人或其他组织",
        "三、本年度办理结果",
        "（七）总计",
        "行政复议",
        "未经复议直接起诉",
    ] {
        assert!(strings.contains(text), "{text} in the workbook");
    }
    let theirs = client
        .get(t.url(&format!(
            "/console/applications/report.xlsx?body={B}&year={year}"
        )))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(
        theirs.status(),
        StatusCode::FORBIDDEN,
        "another body's figures"
    );
}

async fn calendar_change_recomputes_deadlines(t: TestApp) {
    // Received on the last working day of 2026 the clock runs into 2027, which is not loaded:
    // Monday to Friday until the office loads it.
    let tracking = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
    let officer = t.token(Role::Officer, A);
    let before = t
        .get(&format!("/api/v1/applications/{tracking}"), Some(&officer))
        .await
        .1["reply_due_on"]
        .clone();
    let due =
        chrono::NaiveDate::parse_from_str(before.as_str().expect("due"), "%Y-%m-%d").expect("date");
    // Declare a holiday on the due date itself: the deadline moves one working day later.
    let year = chrono::Datelike::year(&due);
    let mut source = format!("year = {year}\nholidays = [\"{due}\"]\nworkdays = []\n");
    if year == 2026 {
        let builtin = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../gongkai-domain/data/calendar/2026.toml"
        ))
        .expect("2026");
        source = builtin.replace("holidays = [", &format!("holidays = [\"{due}\", "));
    }
    let file = t.data.path().join("cal.toml");
    std::fs::write(&file, source).expect("write");
    let out = t.cli(&["calendar", "add", file.to_str().expect("path")], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut db = t.raw_db().await;
    let (stored,): (Option<String>,) =
        sqlx::query_as("SELECT reply_due_on FROM applications WHERE tracking_number = $1")
            .bind(&tracking)
            .fetch_one(&mut db)
            .await
            .expect("row");
    assert!(
        stored
            .as_deref()
            .is_some_and(|d| d > due.to_string().as_str()),
        "stored deadline moved: {stored:?}"
    );
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'application.deadline_recomputed'",
    )
    .fetch_one(&mut db)
    .await
    .expect("audit");
    assert_eq!(n, 1);
}

/// A tiny SMTP server on loopback that accepts messages and hands their text to the test.
async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind smtp");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                let mut data = false;
                let mut message = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if data {
                        if line == "." {
                            data = false;
                            let _ = tx.send(std::mem::take(&mut message));
                            let _ = w.write_all(b"250 OK\r\n").await;
                        } else {
                            message.push_str(&line);
                            message.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if upper.starts_with("DATA") {
                        data = true;
                        b"354 go ahead\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (port, rx)
}

db_tests!(reminders_reach_the_officer_in_app_and_by_mail);

async fn reminders_reach_the_officer_in_app_and_by_mail(t: TestApp) {
    // One overdue application of body A, assigned to officer_a; one on track.
    let overdue = register(&t, A, "2026-02-10", "自然人").await;
    ok_step(
        &t,
        &overdue,
        Role::Officer,
        json!({"action": "assign", "body_code": A, "officer": "officer_a"}),
    )
    .await;
    register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
    let (port, mut mails) = smtp_sink().await;
    let app = gongkai_app::App::open(
        &t.db_url,
        t.data.path().to_path_buf(),
        gongkai_app::AppConfig {
            smtp: Some(gongkai_app::applications::SmtpConfig {
                host: "127.0.0.1".into(),
                port,
                from: "gongkai <noreply@test.example>".into(),
            }),
            ..Default::default()
        },
    )
    .await
    .expect("app with smtp");
    let created = app.send_reminders().await.expect("reminders");
    // officer_a for the overdue one, and the city office because it is overdue.
    assert_eq!(created, 2);
    assert_eq!(
        app.send_reminders().await.expect("again"),
        0,
        "each reminder once"
    );
    let officer = app.actor_for_login("officer_a").await.expect("officer");
    let (notes, unread) = app.notifications(&officer).await.expect("notes");
    assert_eq!(unread, 1);
    assert!(
        notes[0].message.contains(&overdue) && notes[0].message.contains("已逾期"),
        "{}",
        notes[0].message
    );
    let mail = tokio::time::timeout(std::time::Duration::from_secs(10), mails.recv())
        .await
        .expect("a mail in time")
        .expect("mail");
    assert!(
        mail.contains("officer_a@test.example") || mail.contains("office@test.example"),
        "{mail}"
    );
    // The dashboard lists it; marking read clears the count.
    let console = t.console_as("officer_a").await;
    let html = console
        .get(t.url("/console"))
        .send()
        .await
        .expect("dashboard")
        .text()
        .await
        .expect("html");
    assert!(html.contains("到期提醒") && html.contains(&overdue));
    app.mark_notifications_read(&officer).await.expect("read");
    assert_eq!(app.notifications(&officer).await.expect("notes").1, 0);
}

db_tests!(console_queue_filters_and_calendar_page);

async fn console_queue_filters_and_calendar_page(t: TestApp) {
    let overdue = register(&t, A, "2026-02-10", "自然人").await;
    let fresh = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
    let console = t.console_as("officer_a").await;
    let page = |path: String| {
        let console = console.clone();
        let url = t.url(&path);
        async move {
            console
                .get(url)
                .send()
                .await
                .expect("get")
                .text()
                .await
                .expect("html")
        }
    };
    let all = page("/console/applications".into()).await;
    assert!(all.contains(&overdue) && all.contains(&fresh));
    assert!(
        all.find(&overdue) < all.find(&fresh),
        "overdue listed first"
    );
    let only = page("/console/applications?urgency=overdue".into()).await;
    assert!(only.contains(&overdue) && !only.contains(&fresh));
    // A third one waits for review; once replied, it leaves the queue for the closed list.
    let third = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
    for action in [
        json!({"action": "assign", "body_code": A, "officer": "officer_a"}),
        json!({"action": "accept"}),
        json!({"action": "submit_draft", "outcome": "disclosed", "note": "予以公开"}),
    ] {
        ok_step(&t, &third, Role::Officer, action).await;
    }
    let review = page("/console/applications?status=in_review".into()).await;
    assert!(
        review.contains(&third) && !review.contains(&fresh),
        "{review}"
    );
    // The reviewer's dashboard lists the drafted reply; the officer's counts the open queue.
    let reviewer = t.console_as("reviewer_a").await;
    let dashboard = t.html_as(&reviewer, "/console").await;
    assert!(
        dashboard.contains("待我审核的答复（1）") && dashboard.contains(&third),
        "{dashboard}"
    );
    let officer_dashboard = page("/console".into()).await;
    assert!(
        officer_dashboard.contains("依申请公开：在办 3 件")
            && !officer_dashboard.contains("待我审核的答复"),
        "{officer_dashboard}"
    );
    ok_step(&t, &third, Role::Reviewer, json!({"action": "approve"})).await;
    let open = page("/console/applications".into()).await;
    assert!(!open.contains(&third) && open.contains(&fresh));
    let done = page("/console/applications?status=done".into()).await;
    assert!(done.contains(&third) && !done.contains(&fresh), "{done}");
    assert!(done.contains("已办结 <strong>1</strong> 件"), "{done}");
    assert!(
        done.contains(&format!("/console/applications?body={A}&#38;status=done")),
        "a body's link keeps the closed list: {done}"
    );
    // The city office loads a year from the console; an officer may not.
    let source = "year = 2031\nholidays = [\"2031-01-01\"]\nworkdays = []\n";
    let office = t.console_as("office").await;
    let html = office
        .get(t.url("/console/calendar"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let csrf = crate::helpers::hidden_value(&html, "csrf").expect("csrf");
    let resp = office
        .post(t.url("/console/calendar"))
        .form(&[("csrf", csrf.as_str()), ("source", source)])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(t.app.calendar().has_year(2031));
    let html = console
        .get(t.url("/console/calendar"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let csrf = crate::helpers::hidden_value(&html, "csrf").expect("csrf");
    let resp = console
        .post(t.url("/console/calendar"))
        .form(&[("csrf", csrf.as_str()), ("source", source)])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

db_tests!(fees_other_bodies_and_withdrawal);

async fn fees_other_bodies_and_withdrawal(t: TestApp) {
    // 按量: 150 pages → 30 free, 70 × 10, 50 × 20 = 1,700 元.
    let tracking = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
    ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "assign", "body_code": A}),
    )
    .await;
    ok_step(&t, &tracking, Role::Officer, json!({"action": "accept"})).await;
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "send_fee_notice", "pages": 150}),
    )
    .await;
    assert_eq!(v["status"], "awaiting_fee");
    let notice = v["letters"]
        .as_array()
        .expect("letters")
        .iter()
        .find(|l| l["kind"] == "fee_notice")
        .expect("fee notice")
        .clone();
    assert!(
        notice["body"].as_str().expect("body").contains("1700元"),
        "{notice}"
    );
    let v = ok_step(&t, &tracking, Role::Officer, json!({"action": "pay_fee"})).await;
    assert_eq!(v["status"], "in_progress");
    // 按件: the applicant's first application of the month is free, so no notice goes out.
    let (s, v) = step(
        &t,
        &tracking,
        Role::Officer,
        A,
        json!({"action": "send_fee_notice"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    // Consulting other bodies stops the clock like a third party.
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "consult_bodies", "note": "市财政局"}),
    )
    .await;
    assert_eq!(v["status"], "consulting_bodies");
    assert_eq!(v["reply_due_on"], Value::Null);
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "end_consultation", "note": "无异议"}),
    )
    .await;
    assert_eq!(v["status"], "in_progress");
    // The applicant withdraws: closed as 其他处理 3 with a closing notice.
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "withdraw", "note": "申请人书面撤回"}),
    )
    .await;
    assert_eq!(v["status"], "closed");
    assert_eq!(v["outcome"], "other.other");
    let (s, _) = step(&t, &tracking, Role::Officer, A, json!({"action": "accept"})).await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "a closed application takes no more steps"
    );
    // Unpaid fee past its deadline closes as 其他处理 2.
    let tracking = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
    ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "assign", "body_code": A}),
    )
    .await;
    ok_step(&t, &tracking, Role::Officer, json!({"action": "accept"})).await;
    ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "send_fee_notice", "pages": 40}),
    )
    .await;
    let (s, _) = step(
        &t,
        &tracking,
        Role::Officer,
        A,
        json!({"action": "fee_overdue"}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "not overdue yet");
    let mut db = t.raw_db().await;
    sqlx::query("UPDATE application_events SET on_date = '2026-01-05' WHERE kind IN ('send_fee_notice', 'accept', 'assign')")
        .execute(&mut db)
        .await
        .expect("backdate");
    sqlx::query("UPDATE applications SET received_on = '2026-01-05' WHERE tracking_number = $1")
        .bind(&tracking)
        .execute(&mut db)
        .await
        .expect("backdate receipt");
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "fee_overdue"}),
    )
    .await;
    assert_eq!(v["status"], "closed");
    assert_eq!(v["outcome"], "other.fee_unpaid");
}

/// The value of the element with `id` in a page (`<strong id="tracking">…</strong>`).
fn shown(html: &str, id: &str) -> String {
    html.split(&format!("id=\"{id}\">"))
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_else(|| panic!("{id} not shown: {html}"))
        .to_owned()
}

/// An applicant who chose English applies and follows the request in English; what the body
/// wrote (the receipt letter) stays as written.
async fn an_applicant_follows_a_request_in_english(t: TestApp) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    client.get(t.url("/lang?to=en")).send().await.expect("lang");
    let form = client.get(t.url("/apply")).send().await.expect("form");
    let html = form.text().await.expect("html");
    assert!(html.contains("Request government information") && html.contains(">By post<"));
    let csrf = crate::helpers::hidden_value(&html, "csrf").expect("csrf");
    // Mistakes are explained in English, each at its field.
    let empty = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("requester_type", "natural_person");
    let resp = client
        .post(t.url("/apply"))
        .multipart(empty)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.expect("html");
    for phrase in [
        "need changing",
        "Enter your name or your organization&#39;s name",
        "Article 29 of the Regulations",
        "Choose the authority you are asking",
    ] {
        assert!(
            html.contains(phrase),
            "the English form lacks {phrase}: {html}"
        );
    }
    assert!(!html.contains("请填写"), "{html}");
    let resp = client
        .post(t.url("/apply"))
        .multipart(apply_form(&csrf))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.expect("html");
    assert!(html.contains("Request submitted") && html.contains("The law requires a reply by"));
    let (tracking, code) = (shown(&html, "tracking"), shown(&html, "secret"));
    let resp = client
        .post(t.url("/track"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("tracking", tracking.as_str()),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .expect("track");
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.expect("html");
    for phrase in [
        "Request received: Online",
        "Registered",
        "working days left",
        "History",
    ] {
        assert!(
            html.contains(phrase),
            "the English status page lacks {phrase}: {html}"
        );
    }
    assert!(!html.contains("收到申请") && !html.contains("办理过程"));
    assert!(
        html.contains("政府信息公开申请登记回执"),
        "the letter stays as written"
    );
    let resp = client
        .post(t.url("/track"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("tracking", tracking.as_str()),
            ("code", "WRONG"),
        ])
        .send()
        .await
        .expect("track");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(
        resp.text()
            .await
            .expect("html")
            .contains("access code is wrong")
    );
}

/// An officer assigns an application by choosing the body from a list, not typing its code.
async fn the_console_assigns_to_a_body_chosen_from_a_list(t: TestApp) {
    let (tracking, _) = apply(&t, A).await;
    let id = application_id(&t, &tracking).await;
    let console = t.console_as("officer_a").await;
    let page = format!("/console/applications/{id}");
    let html = console
        .get(t.url(&page))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("<select id=\"as-body\" name=\"body_code\">"),
        "{html}"
    );
    assert!(
        html.contains(&format!("<option value=\"{A}\" selected>")),
        "{html}"
    );
    assert!(html.contains(&format!("<option value=\"{B}\">")));
    let csrf = crate::helpers::hidden_value(&html, "csrf").expect("csrf");
    let resp = console
        .post(t.url(&format!("{page}/act")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("step", "assign"),
            ("body_code", A),
            ("officer", ""),
        ])
        .send()
        .await
        .expect("assign");
    assert!(resp.status().is_success() || resp.status().is_redirection());
    let officer = t.app.actor_for_login("officer_a").await.expect("actor");
    let file = t.app.application_by_tracking(&officer, &tracking).await;
    assert_eq!(file.expect("file").application.status.as_str(), "assigned");
}

/// Table rows of a console list that link to an application.
fn listed(html: &str) -> usize {
    html.matches("<tr><td><a href=\"/console/applications/")
        .count()
}

async fn the_console_lists_page_and_find_applications(t: TestApp) {
    // 51 closed applications: one more than a page of the closed list.
    let mut closed = Vec::new();
    for _ in 0..51 {
        let tracking = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
        ok_step(
            &t,
            &tracking,
            Role::Officer,
            json!({"action": "withdraw", "note": "申请人书面撤回"}),
        )
        .await;
        closed.push(tracking);
    }
    let mut other = application(A);
    other["name"] = json!("欧阳100%");
    other["description"] = json!("海州港集装箱码头环评报告");
    let (s, v) = t
        .post(
            "/api/v1/applications",
            Some(&t.token(Role::Officer, A)),
            other.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let open = v["tracking_number"].as_str().expect("tracking").to_owned();
    // The officer's form sent twice registers it once.
    let (_, again) = t
        .post(
            "/api/v1/applications",
            Some(&t.token(Role::Officer, A)),
            other,
        )
        .await;
    assert_eq!(again["tracking_number"], open.as_str(), "{again}");
    let console = t.console_as("officer_a").await;

    let first = t
        .html_as(&console, "/console/applications?status=done")
        .await;
    assert!(first.contains("已办结 <strong>51</strong> 件"), "{first}");
    assert_eq!(listed(&first), 50, "a page of the closed list");
    assert!(first.contains(&closed[50]) && !first.contains(&format!(">{}<", closed[0])));
    assert!(
        first.contains("status=done&#38;page=2"),
        "a link to page 2: {first}"
    );
    let second = t
        .html_as(&console, "/console/applications?status=done&page=2")
        .await;
    assert_eq!(listed(&second), 1);
    assert!(second.contains(&closed[0]), "the oldest on the last page");

    // Found by part of the tracking number in any case, by name, by what was asked for.
    let wanted = &closed[17];
    let lower = wanted.to_lowercase();
    let found = t
        .html_as(
            &console,
            &format!("/console/applications?status=done&q={lower}"),
        )
        .await;
    assert_eq!(listed(&found), 1, "{found}");
    assert!(found.contains(wanted));
    for q in ["欧阳", "集装箱码头", "100%25"] {
        let html = t
            .html_as(&console, &format!("/console/applications?q={q}"))
            .await;
        assert_eq!(listed(&html), 1, "{q}: {html}");
        assert!(html.contains(&open), "{q}");
    }
    // LIKE's wildcards are taken literally; a closed application is not in the open queue.
    for q in ["%25", "_", &lower] {
        let html = t
            .html_as(&console, &format!("/console/applications?q={q}"))
            .await;
        let expected = usize::from(q == "%25");
        assert_eq!(listed(&html), expected, "{q}: {html}");
    }
    // Another body's list is empty for this officer, whatever the link says.
    let theirs = t
        .html_as(
            &console,
            &format!("/console/applications?body={B}&status=done"),
        )
        .await;
    assert_eq!(listed(&theirs), 0, "{theirs}");
    let mine = t
        .html_as(
            &console,
            &format!("/console/applications?body={A}&status=done"),
        )
        .await;
    assert!(
        mine.contains("（51）"),
        "a body's link counts its applications: {mine}"
    );
}

async fn the_console_withdraws_and_says_why_it_cannot_extend(t: TestApp) {
    let tracking = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
    for action in [
        json!({"action": "assign", "body_code": A, "officer": "officer_a"}),
        json!({"action": "accept"}),
    ] {
        ok_step(&t, &tracking, Role::Officer, action).await;
    }
    let id = application_id(&t, &tracking).await;
    let page = format!("/console/applications/{id}");
    let console = t.console_as("officer_a").await;
    let html = t.html_as(&console, &page).await;
    assert!(
        html.contains("延长答复期限须经审核人批准") && !html.contains("value=\"extend\""),
        "an officer is told who extends: {html}"
    );
    assert!(html.contains("value=\"withdraw\""), "{html}");
    assert!(
        html.contains("缴费期间答复期限照常计算"),
        "the fee clock setting is stated: {html}"
    );
    let csrf = crate::helpers::hidden_value(&html, "csrf").expect("csrf");
    let post = |note: &'static str| {
        console
            .post(t.url(&format!("{page}/act")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("step", "withdraw"),
                ("note", note),
            ])
            .send()
    };
    let refused = post("  ").await.expect("post").text().await.expect("html");
    assert!(refused.contains("请写明申请人撤回的方式"), "{refused}");
    let officer = t.app.actor_for_login("officer_a").await.expect("actor");
    let status = |file: gongkai_app::applications::ApplicationFile| {
        file.application.status.as_str().to_owned()
    };
    let file = t.app.application_by_tracking(&officer, &tracking).await;
    assert_eq!(status(file.expect("file")), "in_progress");
    post("申请人电话撤回").await.expect("post");
    let file = t.app.application_by_tracking(&officer, &tracking).await;
    assert_eq!(status(file.expect("file")), "closed");
    let html = t.html_as(&console, &page).await;
    assert!(
        !html.contains("value=\"withdraw\""),
        "closed: nothing to withdraw"
    );

    // The closed list tells a late reply from one in time.
    let late = register(&t, A, "2026-09-01", "自然人").await;
    reply_with(&t, &late, "disclosed").await;
    let done = t
        .html_as(&console, "/console/applications?status=done")
        .await;
    let row = |tracking: &str| {
        let at = done.find(&format!(">{tracking}<")).expect("listed");
        done[at..].split("</tr>").next().unwrap_or("").to_owned()
    };
    assert!(row(&late).contains("逾期办结"), "{}", row(&late));
    assert!(row(&tracking).contains("已办结") && !row(&tracking).contains("逾期"));
}

async fn the_track_page_says_how_long_to_wait(t: TestApp) {
    let (client, csrf) = t.public_form("/track").await;
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..=gongkai_web::PUBLIC_BURST {
        let resp = client
            .post(t.url("/track"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("tracking", "YSQ-2026-999999"),
                ("code", "WRONGCODE"),
            ])
            .send()
            .await
            .expect("post");
        statuses.push(resp.status());
        last = Some(resp);
    }
    assert!(
        statuses[..statuses.len() - 1]
            .iter()
            .all(|s| *s != StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let refused = last.expect("a response");
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(
        (1..=gongkai_web::PUBLIC_PERIOD_SECS + 1).contains(&retry),
        "{retry}"
    );
    let html = refused.text().await.expect("html");
    assert!(html.contains(&format!("请 {retry} 秒后再试")), "{html}");
}

async fn review_cases_follow_each_other_in_order(t: TestApp) {
    let tracking = register(&t, A, &gongkai_app::today().to_string(), "自然人").await;
    reply_with(&t, &tracking, "refused.third_party").await;
    let today = gongkai_app::today().to_string();
    let case = |kind: &str, result: &str, decided: Option<&str>| {
        let mut v =
            json!({"action": "record_case", "kind": kind, "result": result, "filed_on": today});
        if let Some(d) = decided {
            v["decided_on"] = json!(d);
        }
        v
    };
    ok_step(
        &t,
        &tracking,
        Role::Officer,
        case("reconsideration", "pending", None),
    )
    .await;
    // Sued after a reconsideration that is still pending: refused, on the kind.
    let (s, v) = step(
        &t,
        &tracking,
        Role::Officer,
        A,
        case("litigation_after_reconsideration", "pending", None),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["fields"][0]["field"], "kind", "{v}");
    // A decided case needs its date; a pending one has none.
    let (s, v) = step(
        &t,
        &tracking,
        Role::Officer,
        A,
        case("litigation_direct", "upheld", None),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["fields"][0]["field"], "decided_on", "{v}");
    // The reconsideration decided, the lawsuit after it is recorded.
    let officer = t.app.actor_for_login("officer_a").await.expect("actor");
    let file = t
        .app
        .application_by_tracking(&officer, &tracking)
        .await
        .expect("file");
    let case_id = file.cases[0].id;
    ok_step(
        &t,
        &tracking,
        Role::Officer,
        json!({"action": "decide_case", "case_id": case_id, "result": "upheld", "decided_on": today}),
    )
    .await;
    let v = ok_step(
        &t,
        &tracking,
        Role::Officer,
        case("litigation_after_reconsideration", "pending", None),
    )
    .await;
    let notes: Vec<&str> = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "record_case")
        .filter_map(|e| e["note"].as_str())
        .collect();
    assert!(notes.contains(&"行政复议：结果维持"), "{notes:?}");
    assert!(
        notes.contains(&"行政诉讼：复议后起诉：尚未审结"),
        "{notes:?}"
    );
    assert!(
        notes.iter().all(|n| !n.contains("reconsideration")),
        "{notes:?}"
    );
}
