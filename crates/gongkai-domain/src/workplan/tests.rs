//! Tests of the whole parser: the seed task by task, two made-up plans in other
//! layouts, short shapes, and properties.

use super::*;
use DeadlineKind::*;
use proptest::prelude::*;

const SEED: &str = include_str!("testdata/zhoushan-2016-workplan.txt");

/// The collective lead of the seed's 各地各部门 tasks, as written (after repairing 县<>).
const ALL: &[&str] = &["各县(区)政府", "各功能区管委会", "市属各单位"];

/// One expected task: id, start of the text, lead, co, deadline kind.
type Row = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    Option<DeadlineKind>,
);

/// Every task of the seed, written by hand from the text.
fn seed_expected() -> Vec<Row> {
    vec![
        // 一、围绕深化改革推进公开
        (
            "1.1.1",
            "在全面公开市、县(区)政府部门权力清单",
            &["市编委办", "市审招委"],
            &[],
            None,
        ),
        (
            "1.1.2",
            "做好政府部门取消、下放、保留行政审批",
            &["市审招委"],
            &[],
            None,
        ),
        (
            "1.2.1",
            "围绕加强事中事后监管,依法公开随机抽查",
            &[
                "市法制办",
                "市综合行政执法局",
                "市市场监管局",
                "市海洋与渔业局",
                "市旅游委",
                "市文广新闻出版局",
                "市安监局",
                "市科技局",
                "相关部门",
            ],
            &[],
            None,
        ),
        (
            "1.2.2",
            "完善一体化信用信息平台建设",
            &["市发改委"],
            &[],
            None,
        ),
        (
            "1.3.1",
            "依托浙江政务服务网,坚持全市统一规划",
            &["市政府办公室", "市审招委"],
            &[],
            None,
        ),
        (
            "1.3.2",
            "推进公用企事业单位办事公开",
            &["市属相关部门"],
            &[],
            Some(WithinYear),
        ),
        // 二、围绕经济发展推进公开
        ("2.1.1", "以稳定市场预期为目标", ALL, &[], None),
        (
            "2.2.1",
            "按照国家、省和市的总体部署",
            &["市发改委", "市审招委"],
            &[],
            None,
        ),
        (
            "2.3.1",
            "做好重大建设项目批准和实施信息公开工作",
            &["市发改委", "市审招委"],
            &[],
            None,
        ),
        (
            "2.3.2",
            "出台《关于引导社会资本进入公共设施建设",
            &["市发改委", "市财政局"],
            &[],
            None,
        ),
        (
            "2.4.1",
            "推进工程建设项目招投标、政府采购",
            &["市审招委", "市住建局", "市财政局", "市国土资源局"],
            &[],
            None,
        ),
        (
            "2.5.1",
            "加大对支持小微企业、促进就业创业",
            &["市经信委", "市财政局", "市国税局"],
            &[],
            None,
        ),
        (
            "2.5.2",
            "实行收费目录清单管理",
            &["市发改委", "市财政局"],
            &[],
            None,
        ),
        (
            "2.6.1",
            "依法依规公开国有资本整体运营情况",
            &["市财政局"],
            &[],
            None,
        ),
        // 三、围绕民生改善推进公开
        (
            "3.1.1",
            "围绕实施精准扶贫、精准脱贫",
            &["市农林与渔农村委"],
            &[],
            None,
        ),
        (
            "3.2.1",
            "进一步增强低保救助、特困救助",
            &["市民政局"],
            &[],
            None,
        ),
        (
            "3.3.1",
            "加大促进就业创业政策、措施的公开力度",
            &["市人力社保局", "市财政局"],
            &[],
            None,
        ),
        (
            "3.4.1",
            "做好棚户区改造政策及相关任务完成情况",
            &["市住建局", "市住房公积金管理中心", "市农林与渔农村委"],
            &[],
            None,
        ),
        (
            "3.5.1",
            "加大空气质量预测预报信息公开力度",
            &["市环保局"],
            &["市水利局", "市卫生计生局"],
            None,
        ),
        (
            "3.5.2",
            "及时编制和发布年度海洋环境质量公报",
            &["市海洋与渔业局"],
            &[],
            None,
        ),
        ("3.6.1", "深化教育“阳光工程”", &["市教育局"], &[], None),
        (
            "3.7.1",
            "深化“舟山群岛网络医院”建设",
            &["市卫生计生局"],
            &[],
            None,
        ),
        (
            "3.7.2",
            "做好食品药品监管、抽检抽验",
            &["市市场监管局"],
            &[],
            None,
        ),
        (
            "3.8.1",
            "推进面向转移落户人员的服务公开",
            &["市公安局"],
            &[],
            None,
        ),
        (
            "3.8.2",
            "加大养老服务信息公开力度",
            &["市民政局"],
            &[],
            None,
        ),
        (
            "3.8.3",
            "进一步加强公众出行信息服务",
            &["市交通运输局"],
            &[],
            None,
        ),
        // 四、围绕政府建设推进公开
        (
            "4.1.1",
            "在《舟山市人民政府重大行政决策程序规定》",
            ALL,
            &[],
            None,
        ),
        ("4.2.1", "围绕“十三五”规划提出的重要事项", ALL, &[], None),
        (
            "4.2.2",
            "深化审计结果公告及整改情况的公开",
            &["市审计局"],
            &[],
            None,
        ),
        (
            "4.3.1",
            "在做好各级政府预决算公开工作的同时",
            &["市财政局"],
            &[],
            None,
        ),
        // 五、围绕扩大政务参与加强解读回应
        (
            "5.1.1",
            "出台政府规章、行政规范性文件",
            ALL,
            &[],
            Some(WorkingDays(3)),
        ),
        (
            "5.2.1",
            "各地、各部门要组织做好本地区本部门",
            ALL,
            &[],
            Some(Hours(24)),
        ),
        (
            "5.3.1",
            "各地、各部门要善于运用媒体发布信息",
            ALL,
            &[],
            None,
        ),
        // 六、围绕增强公开实效加强能力建设: no clauses, left for the office to assign
        (
            "6.1.1",
            "推进政府信息公开基本目录建设",
            &[],
            &[],
            Some(WithinYear),
        ),
        ("6.2.1", "推进政务云建设,加强“三网”融合", &[], &[], None),
        (
            "6.3.1",
            "各级政府要围绕3年内对全市政务公开",
            &[],
            &[],
            Some(Other),
        ),
        // 七、强化政务公开工作的保障
        (
            "7.1.1",
            "各地、各部门要高度重视",
            &[],
            &[],
            Some(WithinYear),
        ),
        (
            "7.2.1",
            "政务公开工作尚未纳入各级政府绩效考核体系",
            &[],
            &[],
            Some(WithinYear),
        ),
        (
            "7.3.1",
            "各地、各部门要根据本要点确定的任务",
            &[],
            &[],
            Some(YearEnd),
        ),
    ]
}

/// Compares tasks with the expected rows and lists every difference.
fn check_tasks(plan: &ParsedPlan, expected: &[Row]) {
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let mut diffs = Vec::new();
    for (i, (id, start, lead, co, deadline)) in expected.iter().enumerate() {
        let Some(t) = plan.tasks.get(i) else {
            diffs.push(format!("#{i} {id}: missing"));
            continue;
        };
        let got_deadline = t.deadline_hint.as_ref().map(|h| h.kind.clone());
        if t.id != *id {
            diffs.push(format!("#{i}: id {} != {id}", t.id));
        }
        if !t.text.starts_with(start) {
            diffs.push(format!(
                "{id}: text {:?} does not start with {start:?}",
                t.text
            ));
        }
        if t.lead != strings(lead) {
            diffs.push(format!("{id}: lead {:?} != {lead:?}", t.lead));
        }
        if t.co != strings(co) {
            diffs.push(format!("{id}: co {:?} != {co:?}", t.co));
        }
        if got_deadline != *deadline {
            diffs.push(format!("{id}: deadline {got_deadline:?} != {deadline:?}"));
        }
    }
    for t in plan.tasks.iter().skip(expected.len()) {
        diffs.push(format!("unexpected task {} {:?}", t.id, t.text));
    }
    assert!(
        diffs.is_empty(),
        "{} difference(s):\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
fn seed_tasks() {
    let plan = parse(SEED);
    check_tasks(&plan, &seed_expected());
    assert_eq!(plan.tasks.len(), 39);
}

#[test]
fn seed_task_details() {
    let plan = parse(SEED);
    let sections = ["一", "二", "三", "四", "五", "六", "七"];
    for t in &plan.tasks {
        // Ids agree with the section and subsection fields.
        let parts: Vec<usize> = t.id.split('.').map(|p| p.parse().unwrap()).collect();
        assert_eq!(t.section, sections[parts[0] - 1], "{}", t.id);
        let sub = &plan.sections[parts[0] - 1].subsections[parts[1] - 1];
        assert_eq!(
            t.subsection.as_deref(),
            Some(sub.number.as_str()),
            "{}",
            t.id
        );
        assert_eq!(t.point, None);
        // The clause is not part of the text.
        assert!(!t.text.contains("落实)"), "{}: {}", t.id, t.text);
        assert!(t.text.ends_with(['。', '%']), "{}: {:?}", t.id, t.text);
        if let Some(c) = &t.clause {
            assert!(c.starts_with('(') && c.ends_with(')'), "{}: {c}", t.id);
            assert!(!c.contains("<>"), "{}: {c}", t.id);
        }
    }
    let by_id = |id: &str| plan.tasks.iter().find(|t| t.id == id).unwrap();
    assert_eq!(by_id("1.1.1").line, 39);
    assert_eq!(by_id("7.3.1").line, 183);
    assert_eq!(
        by_id("2.4.1").text,
        "推进工程建设项目招投标、政府采购、国有产权、土地使用权出让等公共资源交易平台透明运行,依法公开交易公告、资格审查、成交信息、履约信息以及有关变更信息等,实现公共资源配置全流程公开和信息资源共享。完善市级公共资源交易服务平台,推动公共资源交易信息在全市范围内互联互通。"
    );
    assert_eq!(
        by_id("3.5.1").clause.as_deref(),
        Some("(市环保局牵头,会同市水利局、市卫生计生局落实)")
    );
    assert_eq!(
        by_id("4.1.1").clause.as_deref(),
        Some("(各县(区)政府、各功能区管委会、市属各单位负责落实)")
    );
    let hint = |id: &str| by_id(id).deadline_hint.clone().unwrap();
    assert_eq!(hint("5.1.1").text, "3个工作日内");
    assert_eq!(hint("5.2.1").text, "24小时内");
    assert_eq!(hint("6.3.1").text, "3年内");
    assert_eq!(hint("7.3.1").text, "年底前");
    // Collective names are kept and recognisable for the importer.
    assert!(ALL.iter().all(|n| is_collective_name(n)));
    assert!(is_collective_name("相关部门") && is_collective_name("市属相关部门"));
    assert!(!is_collective_name("市发改委") && !is_collective_name("市审招委"));
}

#[test]
fn seed_header_and_structure() {
    let plan = parse(SEED);
    let h = &plan.header;
    assert_eq!(
        h.title,
        "舟山市人民政府办公室关于印发2016年舟山市政务公开工作要点的通知"
    );
    assert_eq!(h.plan_name.as_deref(), Some("2016年舟山市政务公开工作要点"));
    assert_eq!(h.issuer.as_deref(), Some("舟山市人民政府办公室"));
    assert_eq!(h.date, NaiveDate::from_ymd_opt(2016, 7, 22));
    assert_eq!(h.year, Some(2016));
    assert_eq!(h.doc_number, None);
    assert_eq!(
        h.addressees.as_deref(),
        Some("各县(区)人民政府,各功能区管委会,市政府直属各单位")
    );
    assert_eq!(
        h.notes,
        vec![
            "2016年舟山市政务公开工作要点》已经市政府同意,现印发给你们,请认真贯彻落实。".to_owned(),
            "此件公开发布".to_owned(),
        ]
    );
    assert!(
        plan.general
            .starts_with("2016年舟山市政务公开工作的总体要求是:深入贯彻")
    );
    assert!(plan.general.ends_with("以公开促服务。"));
    assert!(!plan.general.contains('\n'));

    let shape: Vec<(&str, &str, usize)> = plan
        .sections
        .iter()
        .map(|s| (s.number.as_str(), s.title.as_str(), s.subsections.len()))
        .collect();
    assert_eq!(
        shape,
        vec![
            ("一", "围绕深化改革推进公开", 3),
            ("二", "围绕经济发展推进公开", 6),
            ("三", "围绕民生改善推进公开", 8),
            ("四", "围绕政府建设推进公开", 3),
            ("五", "围绕扩大政务参与加强解读回应", 3),
            ("六", "围绕增强公开实效加强能力建设", 3),
            ("七", "强化政务公开工作的保障", 3),
        ]
    );
    assert_eq!(
        plan.sections[0].subsections[0],
        Subsection {
            number: "一".into(),
            title: "深化权力清单和责任清单公开".into()
        }
    );
    assert_eq!(
        plan.sections[2].subsections[7].title,
        "推进人口管理服务信息公开"
    );
}

#[test]
fn seed_furniture_and_spam_are_unplaced() {
    let plan = parse(SEED);
    let got: Vec<(usize, &str)> = plan
        .unplaced
        .iter()
        .map(|u| (u.line, u.reason.as_str()))
        .collect();
    let expected = [
        (3, "阅读次数"),
        (188, "打印"),
        (190, "博彩"),
        (192, "联系地址"),
        (194, "技术支持"),
    ];
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for ((line, reason), (want_line, want)) in got.iter().zip(expected) {
        assert_eq!(*line, want_line, "{got:?}");
        assert!(reason.contains(want), "line {line}: {reason}");
    }
    assert_eq!(
        plan.unplaced[2].text,
        "浙江bt365官方网址 版权所有 © CopyRight 2007-2016 www.28283208.com All Rights reserved"
    );
    // Nothing of the footer leaked into tasks.
    for t in &plan.tasks {
        for word in ["bt365", "版权所有", "返回上页", "技术支持", "阅读次数"] {
            assert!(!t.text.contains(word), "{}: {word}", t.id);
        }
    }
}

#[test]
fn seed_serialises() {
    let plan = parse(SEED);
    let text = toml::to_string(&plan).unwrap();
    assert!(text.contains("working_days = 3"), "{text}");
    let back: ParsedPlan = toml::from_str(&text).unwrap();
    assert_eq!(back, plan);
}

/// A plan laid out like a table: numbered points, clauses on lines of their own,
/// full-width brackets (one lost on each side), labelled clauses, a document number.
const TABLE_PLAN: &str = "某市人民政府办公室关于印发2023年某市政务公开工作要点的通知
某政办发〔2023〕12号
各区人民政府，市政府各部门、各直属单位：
　　现将《2023年某市政务公开工作要点》印发给你们，请结合实际认真贯彻落实。
某市人民政府办公室
2023年3月15日
（此件公开发布）

2023年某市政务公开工作要点
　　2023年全市政务公开工作要以习近平新时代中国特色社会主义思想为指导，全面落实政府信息公开条例。
一、推进决策公开
1．完善重大行政决策预公开制度，扩大公众参与。
（市司法局牵头，各区政府、市直各部门配合）
2．6月底前完成政府信息公开指南更新。
（市政府办公室负责）
3、每季度召开新闻发布会不少于2次。
市委宣传部、市政府办公室分别牵头落实
二、推进执行公开
1. 公开重点民生实事项目进展情况，9月30日前公布上半年进展。
牵头单位：市发改委
配合单位：市财政局、市统计局
2. 主动回应社会关切，涉及重大突发事件的，5小时内发布权威信息。
（由市应急管理局牵头，市公安局、市卫生健康委配合）
3. 做好政策解读工作，文件公开后三个工作日内发布解读材料。
（各区政府、市直各部门负责落实
三、加强保障
1. 年底前开展政务公开第三方评估。
市政府办公室负责落实）
2. 加强政务公开队伍建设，每年组织培训。
打印本页 关闭窗口
http://www.example-casino.com 娱乐城
";

fn date(y: i32, m: u32, d: u32) -> DeadlineKind {
    Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

#[test]
fn table_plan() {
    let plan = parse(TABLE_PLAN);
    let h = &plan.header;
    assert_eq!(
        h.title,
        "某市人民政府办公室关于印发2023年某市政务公开工作要点的通知"
    );
    assert_eq!(h.plan_name.as_deref(), Some("2023年某市政务公开工作要点"));
    assert_eq!(h.doc_number.as_deref(), Some("某政办发〔2023〕12号"));
    assert_eq!(h.issuer.as_deref(), Some("某市人民政府办公室"));
    assert_eq!(h.date, NaiveDate::from_ymd_opt(2023, 3, 15));
    assert_eq!(h.year, Some(2023));
    assert_eq!(
        h.addressees.as_deref(),
        Some("各区人民政府，市政府各部门、各直属单位")
    );
    assert_eq!(h.notes.len(), 2, "{:?}", h.notes);
    assert_eq!(h.notes[1], "此件公开发布");
    assert!(plan.general.starts_with("2023年全市政务公开工作要以"));

    check_tasks(
        &plan,
        &[
            (
                "1.0.1",
                "完善重大行政决策预公开制度",
                &["市司法局"],
                &["各区政府", "市直各部门"],
                None,
            ),
            (
                "1.0.2",
                "6月底前完成",
                &["市政府办公室"],
                &[],
                Some(date(2023, 6, 30)),
            ),
            (
                "1.0.3",
                "每季度召开",
                &["市委宣传部", "市政府办公室"],
                &[],
                Some(Recurring {
                    per: "季度".into(),
                    times: 2,
                }),
            ),
            (
                "2.0.1",
                "公开重点民生实事项目",
                &["市发改委"],
                &["市财政局", "市统计局"],
                Some(date(2023, 9, 30)),
            ),
            (
                "2.0.2",
                "主动回应社会关切",
                &["市应急管理局"],
                &["市公安局", "市卫生健康委"],
                Some(Hours(5)),
            ),
            (
                "2.0.3",
                "做好政策解读工作",
                &["各区政府", "市直各部门"],
                &[],
                Some(WorkingDays(3)),
            ),
            ("3.0.1", "年底前开展", &["市政府办公室"], &[], Some(YearEnd)),
            ("3.0.2", "加强政务公开队伍建设", &[], &[], None),
        ],
    );
    let points: Vec<Option<&str>> = plan.tasks.iter().map(|t| t.point.as_deref()).collect();
    assert_eq!(
        points,
        ["1", "2", "3", "1", "2", "3", "1", "2"].map(Some).to_vec()
    );
    assert_eq!(
        plan.tasks[3].clause.as_deref(),
        Some("牵头单位：市发改委；配合单位：市财政局、市统计局")
    );
    assert_eq!(
        plan.tasks[5].clause.as_deref(),
        Some("（各区政府、市直各部门负责落实")
    );
    assert_eq!(
        plan.tasks[6].clause.as_deref(),
        Some("市政府办公室负责落实）")
    );
    assert_eq!(
        plan.tasks[0].text,
        "完善重大行政决策预公开制度，扩大公众参与。"
    );
    let reasons: Vec<&str> = plan.unplaced.iter().map(|u| u.reason.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains("打印"));
    assert!(reasons[1].contains("博彩"));
    assert!(plan.sections.iter().all(|s| s.subsections.is_empty()));
}

/// A plan without a notice: the general requirements as a section, subsections with
/// their text on the same line, two clauses in one paragraph, a lead-in line, and
/// the issuer and a date in Chinese numerals at the end.
const COUNTY_PLAN: &str = "2024年某县政务公开工作要点
一、总体要求
坚持以人民为中心，全面推进基层政务公开标准化规范化。
二、重点任务
（一）深化重点领域公开。推进财政预决算公开，及时公开“三公”经费。（县财政局牵头落实）做好重大建设项目公开。（县发改局牵头，县自然资源局配合）
（二）加强政策解读。
重点做好以下工作：
1．政策文件与解读材料同步组织、同步审签、同步部署。
2．主要负责人每年解读政策不少于2次。
（县政府办公室、各乡镇人民政府分别负责落实）
三、保障措施
县政府办公室将适时开展督查。
某县人民政府办公室
二〇二四年三月一日
";

#[test]
fn county_plan() {
    let plan = parse(COUNTY_PLAN);
    let h = &plan.header;
    assert_eq!(h.title, "2024年某县政务公开工作要点");
    assert_eq!(h.plan_name.as_deref(), Some("2024年某县政务公开工作要点"));
    assert_eq!(h.issuer.as_deref(), Some("某县人民政府办公室"));
    assert_eq!(h.date, NaiveDate::from_ymd_opt(2024, 3, 1));
    assert_eq!(
        (h.doc_number.as_deref(), h.addressees.as_deref()),
        (None, None)
    );
    assert_eq!(
        plan.general,
        "坚持以人民为中心，全面推进基层政务公开标准化规范化。"
    );
    let titles: Vec<(&str, Vec<&str>)> = plan
        .sections
        .iter()
        .map(|s| {
            (
                s.title.as_str(),
                s.subsections.iter().map(|u| u.title.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        titles,
        vec![
            ("总体要求", vec![]),
            ("重点任务", vec!["深化重点领域公开", "加强政策解读"]),
            ("保障措施", vec![]),
        ]
    );
    check_tasks(
        &plan,
        &[
            ("2.1.1", "推进财政预决算公开", &["县财政局"], &[], None),
            (
                "2.1.2",
                "做好重大建设项目公开。",
                &["县发改局"],
                &["县自然资源局"],
                None,
            ),
            ("2.2.1", "政策文件与解读材料同步", &[], &[], None),
            (
                "2.2.2",
                "主要负责人每年解读政策",
                &["县政府办公室", "各乡镇人民政府"],
                &[],
                Some(Recurring {
                    per: "年".into(),
                    times: 2,
                }),
            ),
            ("3.0.1", "县政府办公室将适时开展督查。", &[], &[], None),
        ],
    );
    assert_eq!(plan.tasks[1].text, "做好重大建设项目公开。");
    assert_eq!(plan.unplaced.len(), 1, "{:?}", plan.unplaced);
    assert_eq!(plan.unplaced[0].text, "重点做好以下工作：");
}

/// Short plans: (text, expected tasks as (id, text, lead, co)).
fn check_short(text: &str, expected: &[(&str, &str, &[&str], &[&str])]) {
    let plan = parse(text);
    let got: Vec<(String, String, Vec<String>, Vec<String>)> = plan
        .tasks
        .iter()
        .map(|t| (t.id.clone(), t.text.clone(), t.lead.clone(), t.co.clone()))
        .collect();
    let want: Vec<(String, String, Vec<String>, Vec<String>)> = expected
        .iter()
        .map(|(id, text, lead, co)| {
            (
                (*id).to_owned(),
                (*text).to_owned(),
                lead.iter().map(|s| (*s).to_owned()).collect(),
                co.iter().map(|s| (*s).to_owned()).collect(),
            )
        })
        .collect();
    assert_eq!(got, want, "{text:?}\nunplaced: {:?}", plan.unplaced);
}

#[test]
fn short_shapes() {
    // Clause lines close the paragraph above; without points.
    check_short(
        "一、甲\n做好甲工作。\n（市发改委牵头落实）\n做好乙工作。\n(市财政局负责)",
        &[
            ("1.0.1", "做好甲工作。", &["市发改委"], &[]),
            ("1.0.2", "做好乙工作。", &["市财政局"], &[]),
        ],
    );
    // A paragraph without clause followed by another paragraph: two tasks.
    check_short(
        "一、甲\n做好甲工作。\n做好乙工作。(市财政局负责)",
        &[
            ("1.0.1", "做好甲工作。", &[], &[]),
            ("1.0.2", "做好乙工作。", &["市财政局"], &[]),
        ],
    );
    // Paragraphs after a clause-less point belong to it.
    check_short(
        "一、甲\n1.加强政策解读。\n做好解读材料。(市政府办公室牵头落实)\n做好回应。(市委宣传部牵头落实)\n2.其他。",
        &[
            (
                "1.0.1",
                "加强政策解读。\n做好解读材料。",
                &["市政府办公室"],
                &[],
            ),
            ("1.0.2", "做好回应。", &["市委宣传部"], &[]),
            ("1.0.3", "其他。", &[], &[]),
        ],
    );
    // A subsection before any section, and a task before any heading.
    check_short(
        "做好总体工作。(市政府办公室负责)\n(一)甲\n做好甲工作。(市发改委牵头落实)",
        &[
            ("0.0.1", "做好总体工作。", &["市政府办公室"], &[]),
            ("0.1.1", "做好甲工作。", &["市发改委"], &[]),
        ],
    );
    // Other point shapes; 1.5 is a number, not a point.
    check_short(
        "一、甲\n1.5亿元资金使用情况公开。(市财政局负责)\n(1)做好甲。\n①做好乙。",
        &[
            ("1.0.1", "1.5亿元资金使用情况公开。", &["市财政局"], &[]),
            ("1.0.2", "做好甲。", &[], &[]),
            ("1.0.3", "做好乙。", &[], &[]),
        ],
    );
    let points: Vec<Option<String>> = parse("一、甲\n1.5亿元。\n(1)做好甲。\n①做好乙。")
        .tasks
        .into_iter()
        .map(|t| t.point)
        .collect();
    assert_eq!(points, vec![None, Some("1".into()), Some("1".into())]);
    // A heading that carries its own clause is also a task.
    let text = "一、加强组织领导（市政府办公室负责）\n（一）深化权力清单公开。（市编委办牵头落实）\n在全面公开的基础上做好工作。(市审招委牵头落实)\n（二）推进监管公开。在全面公开的基础上推进。(市法制办牵头落实)";
    check_short(
        text,
        &[
            ("1.0.1", "加强组织领导", &["市政府办公室"], &[]),
            ("1.1.1", "深化权力清单公开", &["市编委办"], &[]),
            ("1.1.2", "在全面公开的基础上做好工作。", &["市审招委"], &[]),
            ("1.2.1", "在全面公开的基础上推进。", &["市法制办"], &[]),
        ],
    );
    let plan = parse(text);
    assert_eq!(plan.sections[0].title, "加强组织领导");
    let subs: Vec<&str> = plan.sections[0]
        .subsections
        .iter()
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(subs, ["深化权力清单公开", "推进监管公开"]);
    // A repeated page header inside the body is skipped.
    check_short(
        "2024年某县政务公开工作要点\n一、甲\n做好甲工作。\n2024年某县政务公开工作要点\n(县财政局负责)",
        &[("1.0.1", "做好甲工作。", &["县财政局"], &[])],
    );
    // A clause with no text before it is reported, not attached to a closed task.
    let plan = parse("一、甲\n做好甲工作。(市发改委牵头落实)\n(市财政局负责落实)");
    assert_eq!(plan.tasks.len(), 1);
    assert_eq!(plan.unplaced.len(), 1);
    assert!(plan.unplaced[0].reason.contains("没有对应的任务"));
    // Nothing at all.
    assert_eq!(parse(""), ParsedPlan::default());
    assert_eq!(parse(" \n\u{a0}\n\u{3000}\r\n"), ParsedPlan::default());
}

#[test]
fn header_shapes() {
    // A title broken over two lines, a number after the title, CRLF line ends.
    let plan = parse(
        "某市人民政府办公室关于印发\r\n2023年某市政务公开工作要点的通知\r\n文号：某政办发[2023]7号\r\n某市人民政府办公室\r\n2023112\r\n一、甲\r\n做好甲工作。",
    );
    let h = &plan.header;
    assert_eq!(
        h.title,
        "某市人民政府办公室关于印发2023年某市政务公开工作要点的通知"
    );
    assert_eq!(h.doc_number.as_deref(), Some("某政办发〔2023〕7号"));
    assert_eq!(h.issuer.as_deref(), Some("某市人民政府办公室"));
    // 2023112 reads as 2023-1-12 or 2023-11-2: reported, not guessed.
    assert_eq!(h.date, None);
    assert_eq!(h.year, Some(2023));
    assert_eq!(plan.unplaced.len(), 1);
    assert!(plan.unplaced[0].reason.contains("日期"));
    assert_eq!(plan.tasks.len(), 1);

    let plan = parse(
        "关于印发工作要点的通知（舟政办发〔2016〕88号）\n2016年7月22日\n一、甲\n做好甲工作。6月底前完成。",
    );
    assert_eq!(
        plan.header.doc_number.as_deref(),
        Some("舟政办发〔2016〕88号")
    );
    assert_eq!(plan.header.title, "关于印发工作要点的通知");
    // No year in the name or the title: the date gives the plan year.
    assert_eq!(plan.header.year, Some(2016));
    assert_eq!(
        plan.tasks[0].deadline_hint.as_ref().map(|h| h.kind.clone()),
        Some(date(2016, 6, 30))
    );
}

#[test]
fn labelled_deadline_overrides_text() {
    let plan =
        parse("2023年要点\n一、甲\n1.年内完成甲工作。\n牵头单位：市发改委\n完成时限：9月底前");
    assert_eq!(plan.tasks.len(), 1);
    let t = &plan.tasks[0];
    assert_eq!(t.lead, vec!["市发改委".to_owned()]);
    assert_eq!(
        t.deadline_hint.as_ref().map(|h| h.kind.clone()),
        Some(date(2023, 9, 30))
    );
    assert_eq!(
        t.clause.as_deref(),
        Some("牵头单位：市发改委；完成时限：9月底前")
    );
}

#[test]
fn large_and_pathological_inputs() {
    let big = SEED.repeat(40);
    let plan = parse(&big);
    assert!(plan.tasks.len() >= 39 * 40);
    for nasty in [
        "(".repeat(100_000),
        ")".repeat(100_000),
        "（".repeat(50_000) + &"）".repeat(50_000),
        format!("({}牵头落实)", "市发改委、".repeat(20_000)),
        format!("{}市发改委牵头落实)", "市发改委、".repeat(20_000)),
        format!("做好工作。{}", "。(市发改委牵头落实".repeat(10_000)),
        "一、\n".repeat(20_000),
        "牵头单位：市发改委\n".repeat(20_000),
        "年内".repeat(50_000),
    ] {
        let _ = parse(&nasty);
    }
}

/// Invariants that hold for any input; gives the parsed plan back.
fn check_invariants(text: &str) -> Result<ParsedPlan, TestCaseError> {
    let plan = parse(text);
    let lines = text.split('\n').count().max(text.split('\r').count());
    let mut ids = std::collections::HashSet::new();
    for t in &plan.tasks {
        prop_assert!(ids.insert(t.id.clone()), "duplicate id {}", t.id);
        prop_assert!(!t.text.is_empty());
        prop_assert!(t.line >= 1 && t.line <= lines);
        for name in t.lead.iter().chain(&t.co) {
            prop_assert!(!name.is_empty());
        }
        prop_assert!(t.co.iter().all(|n| !t.lead.contains(n)));
    }
    prop_assert!(plan.unplaced.windows(2).all(|w| w[0].line <= w[1].line));
    prop_assert!(plan.unplaced.iter().all(|u| u.line >= 1 && u.line <= lines));
    prop_assert_eq!(&parse(text), &plan);
    Ok(plan)
}

fn plan_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\n".to_owned()),
        Just("一、".to_owned()),
        Just("（一）".to_owned()),
        Just("(二)".to_owned()),
        Just("1.".to_owned()),
        Just("2．".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("（".to_owned()),
        Just("）".to_owned()),
        Just("、".to_owned()),
        Just("，".to_owned()),
        Just("。".to_owned()),
        Just("：".to_owned()),
        Just("市发改委".to_owned()),
        Just("各县<>政府".to_owned()),
        Just("等相关部门".to_owned()),
        Just("牵头落实".to_owned()),
        Just("负责".to_owned()),
        Just("会同".to_owned()),
        Just("配合".to_owned()),
        Just("牵头单位：".to_owned()),
        Just("完成时限：".to_owned()),
        Just("年内".to_owned()),
        Just("6月底前".to_owned()),
        Just("2016722".to_owned()),
        Just("关于印发".to_owned()),
        Just("的通知".to_owned()),
        Just("www.x.com".to_owned()),
        Just("bt365".to_owned()),
        Just("\u{a0}".to_owned()),
        "\\PC{0,6}",
    ]
}

proptest! {
    #[test]
    fn never_panics_on_any_text(s in any::<String>()) {
        check_invariants(&s)?;
    }

    #[test]
    fn never_panics_on_printable_text(s in "\\PC{0,300}") {
        check_invariants(&s)?;
    }

    #[test]
    fn never_panics_on_plan_like_text(parts in prop::collection::vec(plan_piece(), 0..80)) {
        check_invariants(&parts.concat())?;
    }

}

proptest! {
    // Each case parses the whole seed twice.
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The seed with lines dropped (0), kept (1, 2) or doubled (3).
    #[test]
    fn seed_with_lines_dropped_or_doubled(ops in prop::collection::vec(0u8..4, 193)) {
        let mut text = String::new();
        for (line, op) in SEED.lines().zip(ops.iter().chain(std::iter::repeat(&1))) {
            for _ in 0..[0, 1, 1, 2][usize::from(*op)] {
                text.push_str(line);
                text.push('\n');
            }
        }
        let plan = check_invariants(&text)?;
        // Every task's text is the text of a seed line, or part of one.
        for t in &plan.tasks {
            let first = t.text.lines().next().unwrap_or_default();
            prop_assert!(SEED.contains(first) || SEED.contains(&first.replace("县(区)政府", "县<>政府")), "{}", first);
        }
    }
}
