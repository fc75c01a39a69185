//! The search index end to end, in memory and on disk: what a query finds and what it must not.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gongkai_search::{
    Analysis, Change, Filters, SearchDoc, SearchIndex, SearchRequest, SortOrder, SuggestionKind,
};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn doc(id: i64, title: &str, body: &str, published: &str) -> SearchDoc {
    SearchDoc {
        id,
        title: title.to_owned(),
        body_text: body.to_owned(),
        index_number: format!("330900000/2020-{id:05}"),
        body_id: 1 + id % 3,
        body_name: format!("机关{}", 1 + id % 3),
        topic: "劳动、人事、监察/社会保障".to_owned(),
        key_areas: vec!["社会救助".to_owned()],
        genre: "通知".to_owned(),
        validity: "有效".to_owned(),
        published_on: date(published),
        ..SearchDoc::default()
    }
}

fn corpus() -> Vec<SearchDoc> {
    let mut docs = vec![
        doc(
            1,
            "国务院办公厅关于推进政务公开工作的意见",
            "各地区各部门要做好政务公开。",
            "2016-02-17",
        ),
        doc(
            2,
            "关于加强环境保护部门执法的通知",
            "各级环境保护部门要依法履职。",
            "2019-05-01",
        ),
        doc(
            3,
            "海州市城乡最低生活保障办法",
            "最低生活保障标准每年调整。",
            "2024-01-10",
        ),
        doc(
            4,
            "关于调整住房公积金缴存基数的通知",
            "住房公积金缴存基数按上年平均工资确定。",
            "2025-07-01",
        ),
        doc(
            5,
            "海州市社会保险费征缴办法",
            "用人单位应当按时足额缴纳社会保险费。",
            "2018-03-01",
        ),
        doc(
            6,
            "学院办公室工作规则",
            "院办负责学院日常事务。",
            "2020-09-01",
        ),
        doc(
            7,
            "关于义务教育学区划分的公告",
            "2026年义务教育学区划分如下。",
            "2026-06-01",
        ),
        doc(
            8,
            "关于公布2026年低保标准的通知",
            "城乡低保标准提高。",
            "2026-01-05",
        ),
    ];
    docs[0].doc_number = Some("国办发〔2016〕8号".to_owned());
    docs[3].doc_number = Some("海政办发〔2025〕88号".to_owned());
    docs[3].attachment_text = "附件：缴存基数调整申请表".to_owned();
    docs[6].validity = "失效".to_owned();
    docs
}

fn index_with(docs: Vec<SearchDoc>) -> SearchIndex {
    let index = SearchIndex::open(None, Analysis::new("", None).unwrap()).unwrap();
    index.rebuild(docs, 0, &mut |_| {}).unwrap();
    index
}

fn req(q: &str) -> SearchRequest {
    SearchRequest {
        q: q.to_owned(),
        filters: Filters::default(),
        sort: SortOrder::Relevance,
        page: 1,
        per_page: 10,
        today: date("2026-11-29"),
    }
}

fn ids(index: &SearchIndex, q: &str) -> Vec<i64> {
    index
        .search(&req(q))
        .unwrap()
        .hits
        .iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn a_query_finds_words_but_not_fragments_straddling_words() {
    let index = index_with(corpus());
    assert_eq!(
        ids(&index, "院办"),
        vec![6],
        "国务院办公厅 must not match 院办"
    );
    assert!(
        ids(&index, "环境保护").contains(&2),
        "环境保护部门 holds 环境保护"
    );
    assert!(ids(&index, "部门").contains(&2), "环境保护部/门 holds 部门");
    assert!(ids(&index, "办公厅").contains(&1));
    assert_eq!(ids(&index, "政务公开").first(), Some(&1));
}

/// A word's characters split across the segmentation's words are found wherever they stand side
/// by side, in keywords as in the body, and nowhere they stand apart (the phrase form is first
/// narrowed to the items holding the word's characters as a string).
#[test]
fn a_split_word_is_found_side_by_side_in_any_text_but_not_apart() {
    let mut docs = corpus();
    let mut tagged = doc(9, "执法检查安排", "按计划开展检查。", "2021-03-01");
    tagged.keywords = vec!["环境保护部门".to_owned()];
    docs.push(tagged);
    docs.push(doc(10, "部署工作", "各部署单位开门办事。", "2021-04-01"));
    let index = index_with(docs);
    let found = ids(&index, "部门");
    assert!(
        found.contains(&9),
        "keyword 环境保护部/门 holds 部门: {found:?}"
    );
    assert!(!found.contains(&10), "部 … 门 apart: {found:?}");
    assert_eq!(
        index.count("部门", &Filters::default()).unwrap(),
        found.len() as u64
    );
    // With another word, the items are first narrowed by both words' bigrams: the keyword's
    // 部门 still counts, and the characters apart still do not.
    assert_eq!(ids(&index, "部门 检查"), vec![9]);
    assert_eq!(ids(&index, "部门 办事"), Vec::<i64>::new());
}

/// Withdrawn items leave deleted documents behind until their segment merges; a word's weight
/// must not turn negative when they are many (the idf counted the deleted documents' postings
/// against the live documents alone), or its split forms would score below nothing.
#[test]
fn withdrawn_items_never_make_a_score_negative() {
    let index = SearchIndex::open(None, Analysis::new("", None).unwrap()).unwrap();
    // Item 5 holds 部门 split (部 + 门, through its keyword); items 1–4 and 6–9 hold the word,
    // and 6–9 are withdrawn: their postings stay in the segment until it merges.
    let mut split = doc(5, "执法通知", "依法履职。", "2020-01-01");
    split.keywords = vec!["环境保护部门".to_owned()];
    let mut changes = vec![Change::Upsert(Box::new(split))];
    for id in (1..=4).chain(6..=9) {
        let d = doc(id, "部门职责", "部门分工如下。", "2020-01-01");
        changes.push(Change::Upsert(Box::new(d)));
    }
    index.apply(&changes, 1).unwrap();
    let gone: Vec<Change> = (6..=9).map(Change::Delete).collect();
    index.apply(&gone, 2).unwrap();
    let found = index.search(&req("部门")).unwrap();
    assert_eq!(
        found.total,
        5,
        "{:?}",
        found.hits.iter().map(|h| h.id).collect::<Vec<_>>()
    );
    assert!(
        found.hits.iter().all(|h| h.score > 0.0),
        "{:?}",
        found.hits.iter().map(|h| h.score).collect::<Vec<_>>()
    );
}

#[test]
fn synonyms_and_abbreviations_find_the_other_form() {
    let index = index_with(corpus());
    let found = index.search(&req("低保")).unwrap();
    let got: Vec<i64> = found.hits.iter().map(|h| h.id).collect();
    assert!(got.contains(&3) && got.contains(&8), "{got:?}");
    assert!(!found.interpretation.synonyms.is_empty());
    assert!(ids(&index, "社保").contains(&5));
    assert!(ids(&index, "公积金").contains(&4));
}

#[test]
fn a_word_typed_twice_is_one_word() {
    let index = index_with(corpus());
    let once = index.search(&req("低保")).unwrap();
    let thrice = index.search(&req("低保 低保低保")).unwrap();
    assert_eq!(thrice.interpretation.words, once.interpretation.words);
    assert_eq!(thrice.total, once.total);
    let ids = |r: &gongkai_search::SearchResults| r.hits.iter().map(|h| h.id).collect::<Vec<_>>();
    assert_eq!(ids(&thrice), ids(&once));
}

#[test]
fn document_numbers_in_any_typing_find_the_item_first() {
    let index = index_with(corpus());
    for q in [
        "海政办发〔2025〕88号",
        "海政办发[2025]88号",
        "海政办发2025-88",
        "\"海政办发〔2025〕88号\"",
    ] {
        let r = index.search(&req(q)).unwrap();
        assert_eq!(r.hits.first().map(|h| h.id), Some(4), "{q}");
        assert!(r.interpretation.document_number.is_some());
    }
    assert_eq!(ids(&index, "330900000/2020-00005").first(), Some(&5));
}

#[test]
fn a_quoted_part_of_a_document_number_finds_the_item() {
    let index = index_with(corpus());
    // 政办发〔2025〕88号 is no item's number, but part of 海政办发〔2025〕88号.
    assert_eq!(ids(&index, "\"政办发〔2025〕88号\""), vec![4]);
}

#[test]
fn pinyin_without_chinese_finds_the_word() {
    let index = index_with(corpus());
    let r = index.search(&req("gongjijin")).unwrap();
    assert_eq!(r.hits.first().map(|h| h.id), Some(4));
    assert!(!r.interpretation.pinyin.is_empty());
}

#[test]
fn quoted_phrases_must_occur_as_written() {
    let index = index_with(corpus());
    assert_eq!(ids(&index, "\"义务教育学区\""), vec![7]);
    assert!(ids(&index, "\"学区义务教育\"").is_empty());
    // A space typed between Chinese characters is not in the text: the phrase is read without it.
    assert_eq!(ids(&index, "“义务教育 学区”"), vec![7]);
    assert_eq!(ids(&index, "\"义务 教育　学区\""), vec![7]);
    assert!(ids(&index, "\"学区 义务教育\"").is_empty());
}

/// Over texts of five characters, whose bigrams are frequent and rare in every mix, a quoted
/// phrase finds exactly the items that hold it as a string (the phrase asks for only some of
/// its bigrams: those must still pin every character down).
#[test]
fn a_quoted_phrase_finds_exactly_the_items_holding_the_string() {
    const CHARS: [char; 5] = ['甲', '乙', '丙', '丁', '戊'];
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut text = |len: usize| (0..len).map(|_| CHARS[next(5)]).collect::<String>();
    let bodies: Vec<String> = (0..40).map(|i| text(6 + i % 30)).collect();
    let docs = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| doc(i as i64 + 1, "公告", b, "2026-01-05"))
        .collect();
    let index = index_with(docs);
    let (mut some, mut none) = (0, 0);
    for k in 0..60 {
        let phrase = text(3 + k % 6);
        let want: Vec<i64> = (1..=bodies.len() as i64)
            .filter(|&id| bodies[id as usize - 1].contains(&phrase))
            .collect();
        let found = index
            .search(&SearchRequest {
                per_page: 100,
                ..req(&format!("\"{phrase}\""))
            })
            .unwrap();
        let mut got: Vec<i64> = found.hits.iter().map(|h| h.id).collect();
        got.sort_unstable();
        assert_eq!(got, want, "{phrase}");
        assert_eq!(found.total, want.len() as u64, "{phrase}");
        if want.is_empty() {
            none += 1
        } else {
            some += 1
        }
    }
    assert!(some >= 20 && none >= 10, "{some} phrases found, {none} not");
}

#[test]
fn nothing_found_gives_corrections_or_broader_queries() {
    let index = index_with(corpus());
    let r = index.search(&req("公基金")).unwrap();
    assert!(
        r.suggestions
            .iter()
            .any(|s| s.kind == SuggestionKind::Correction && s.query.contains("公积金")),
        "{:?}",
        r.suggestions
    );
    assert_eq!(r.interpretation.corrected_from.as_deref(), Some("公基金"));
    assert!(r.hits.iter().any(|h| h.id == 4));

    let r = index.search(&req("公积金 火星")).unwrap();
    assert_eq!(r.total, 0);
    assert!(
        r.suggestions
            .iter()
            .any(|s| s.kind == SuggestionKind::Broader && s.query == "公积金")
    );
}

#[test]
fn filters_and_facets_count_exactly() {
    let index = index_with(corpus());
    let mut r = req("");
    r.filters.validity = Some("失效".to_owned());
    let found = index.search(&r).unwrap();
    assert_eq!(found.total, 1);
    let all = index.search(&req("")).unwrap();
    assert_eq!(all.total, 8);
    let years: u64 = all.facets.years.iter().map(|(_, n)| n).sum();
    assert_eq!(years, 8);
    assert!(all.facets.validity.contains(&("失效".to_owned(), 1)));
    assert!(
        all.facets
            .topics
            .contains(&("劳动、人事、监察".to_owned(), 8))
    );
    let mut r = req("");
    r.filters.year_from = Some(2025);
    r.filters.year_to = Some(2026);
    assert_eq!(index.search(&r).unwrap().total, 3);
    let mut r = req("低保");
    r.filters.body_ids = vec![1 + 8 % 3];
    assert_eq!(
        index
            .search(&r)
            .unwrap()
            .hits
            .iter()
            .map(|h| h.id)
            .collect::<Vec<_>>(),
        vec![8]
    );
}

#[test]
fn date_sort_and_pages() {
    let index = index_with(corpus());
    let mut r = req("");
    r.sort = SortOrder::Oldest;
    r.per_page = 3;
    r.page = 2;
    let got: Vec<i64> = index
        .search(&r)
        .unwrap()
        .hits
        .iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(got, vec![6, 3, 4]);
    r.page = 100_000;
    assert!(index.search(&r).is_err());
}

#[test]
fn snippets_mark_the_match_and_attachments_are_searched() {
    let index = index_with(corpus());
    let r = index.search(&req("申请表")).unwrap();
    let hit = r.hits.first().unwrap();
    assert_eq!(hit.id, 4);
    assert!(hit.in_attachment);
    assert!(
        hit.snippet_html
            .as_deref()
            .unwrap_or("")
            .contains("<mark>申请表</mark>")
    );
    let r = index.search(&req("<script>")).unwrap();
    assert!(r.hits.iter().all(|h| !h.title_html.contains("<script>")));
}

#[test]
fn changes_apply_with_their_cursor_and_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let open = || SearchIndex::open(Some(dir.path()), Analysis::new("", None).unwrap()).unwrap();
    {
        let index = open();
        assert!(index.is_fresh());
        let docs = corpus();
        let changes: Vec<Change> = docs
            .into_iter()
            .map(|d| Change::Upsert(Box::new(d)))
            .collect();
        index.apply(&changes, 17).unwrap();
        index.apply(&[Change::Delete(6)], 18).unwrap();
        assert_eq!(index.cursor().unwrap(), 18);
    }
    let index = open();
    assert!(!index.is_fresh());
    assert_eq!(index.cursor().unwrap(), 18);
    assert_eq!(index.num_docs(), 7);
    assert!(ids(&index, "院办").is_empty());
    // Applying the same change twice is harmless.
    let again = corpus().remove(0);
    index
        .apply(
            &[
                Change::Upsert(Box::new(again.clone())),
                Change::Upsert(Box::new(again)),
            ],
            19,
        )
        .unwrap();
    assert_eq!(index.num_docs(), 7);
}

#[test]
fn rebuild_gives_the_same_answers_as_incremental_changes() {
    let incremental = SearchIndex::open(None, Analysis::new("", None).unwrap()).unwrap();
    for d in corpus() {
        incremental
            .apply(&[Change::Upsert(Box::new(d))], 1)
            .unwrap();
    }
    let rebuilt = index_with(corpus());
    for q in [
        "低保",
        "环境保护",
        "政务公开",
        "公积金 基数",
        "\"学区划分\"",
        "",
    ] {
        assert_eq!(ids(&incremental, q), ids(&rebuilt, q), "{q}");
    }
}

#[test]
fn user_dictionary_keeps_a_local_term_whole() {
    let index = SearchIndex::open(None, Analysis::new("海州渔港\n", None).unwrap()).unwrap();
    let mut d = doc(1, "海州渔港防台风应急预案", "海州渔港", "2026-01-01");
    d.id = 1;
    index.rebuild(vec![d], 0, &mut |_| {}).unwrap();
    assert_eq!(ids(&index, "海州渔港"), vec![1]);
    assert!(index.analysis().segmenter.is_word("海州渔港"));
}

#[test]
fn pathological_text_indexes() {
    let index = SearchIndex::open(None, Analysis::new("", None).unwrap()).unwrap();
    let long = "政务公开".repeat(20_000);
    let one = "啊".repeat(8_000);
    index
        .rebuild(
            vec![
                doc(1, "长文本", &long, "2026-01-01"),
                doc(2, "重复", &one, "2026-01-01"),
            ],
            0,
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(ids(&index, "政务公开"), vec![1]);
}

#[test]
fn a_rebuild_leaves_one_segment_and_its_cursor() {
    let index = SearchIndex::open(None, Analysis::new("", None).unwrap()).unwrap();
    for (n, d) in corpus().into_iter().enumerate() {
        index
            .apply(&[Change::Upsert(Box::new(d))], n as i64 + 1)
            .unwrap();
    }
    assert!(index.num_segments() > 1, "one segment per commit");
    index.rebuild(corpus(), 42, &mut |_| {}).unwrap();
    assert_eq!(index.num_segments(), 1);
    assert_eq!(index.cursor().unwrap(), 42);
    assert_eq!(index.num_docs(), corpus().len() as u64);
}

#[test]
fn a_document_holding_the_word_ranks_above_one_holding_only_its_pieces() {
    // Both are indexed as 缴存 + 基数; then the city adds 缴存基数 to its dictionary and only
    // the first is indexed again, so it alone holds the word. A phrase weighs the sum of its
    // pieces' idf, here far more than the rarer word's own: unscaled, the second would lead.
    let body = "职工缴存基数按上年平均工资确定。";
    let mut docs: Vec<SearchDoc> = (0..40)
        .map(|n| {
            doc(
                200 + n,
                &format!("第{n}号公告"),
                "其他事项另行通知。",
                "2020-01-01",
            )
        })
        .collect();
    let word = doc(101, "关于调整的通知", body, "2025-07-01");
    let pieces = doc(102, "关于调整的通知", body, "2025-07-01");
    docs.extend([word.clone(), pieces]);
    let dir = tempfile::tempdir().unwrap();
    let before = SearchIndex::open(Some(dir.path()), Analysis::new("", None).unwrap()).unwrap();
    before.rebuild(docs, 0, &mut |_| {}).unwrap();
    drop(before);
    let index =
        SearchIndex::open(Some(dir.path()), Analysis::new("缴存基数\n", None).unwrap()).unwrap();
    index.apply(&[Change::Upsert(Box::new(word))], 1).unwrap();
    assert_eq!(ids(&index, "缴存基数"), vec![101, 102]);
}

#[test]
fn a_quoted_phrase_does_not_match_across_parts_of_an_item() {
    let index = index_with(vec![
        doc(
            1,
            "关于做好防汛工作的通知",
            "，各区要落实责任。",
            "2024-06-01",
        ),
        doc(2, "防汛值班安排", "本通知 各区遵照执行。", "2024-06-02"),
        SearchDoc {
            summary: "关于防汛的通知".to_owned(),
            ..doc(3, "防汛简报", "，各区报送情况。", "2024-06-03")
        },
    ]);
    assert_eq!(ids(&index, "\"通知 各区\""), vec![2]);
    // However many blanks the quotes hold (as many as a query may).
    for blanks in 2..90 {
        let wide = format!("\"通知{}各区\"", " ".repeat(blanks));
        assert!(ids(&index, &wide).is_empty(), "{blanks} blanks");
    }
    assert_eq!(ids(&index, "\"防汛工作的通知\""), vec![1]);
    assert_eq!(ids(&index, "\"各区要落实\""), vec![1]);
}

#[test]
fn a_failed_rebuild_keeps_the_previous_index() {
    let index = index_with(corpus());
    let docs = corpus()
        .into_iter()
        .take(2)
        .map(Ok)
        .chain(std::iter::once(Err("database went away".to_owned())));
    assert!(index.rebuild_fallible(docs, 9, &mut |_| {}).is_err());
    assert_eq!(
        index.num_docs(),
        8,
        "nothing of the failed rebuild is visible"
    );
    // The next change commits on top of the old index, not of the abandoned one.
    index.apply(&[Change::Delete(6)], 10).unwrap();
    assert_eq!(index.num_docs(), 7);
    assert_eq!(index.cursor().unwrap(), 10);
}

#[test]
fn a_query_of_only_punctuation_finds_nothing() {
    let index = index_with(corpus());
    for q in ["？？", "\"\"", "!!!", "《》"] {
        assert_eq!(index.search(&req(q)).unwrap().total, 0, "{q}");
    }
}

#[test]
fn relevance_pages_do_not_overlap() {
    let docs: Vec<SearchDoc> = (1..=450)
        .map(|i| {
            doc(
                i,
                &format!("关于第{i}批低保资金的通知"),
                &"低保".repeat((i % 7 + 1) as usize),
                "2020-01-01",
            )
        })
        .collect();
    let index = index_with(docs);
    let mut seen = std::collections::HashSet::new();
    for page in 1..=23 {
        let mut r = req("低保");
        r.page = page;
        r.per_page = 20;
        for h in index.search(&r).unwrap().hits {
            assert!(seen.insert(h.id), "item {} shown twice (page {page})", h.id);
        }
    }
    assert_eq!(seen.len(), 450);
}

#[test]
fn a_compound_finds_its_words_apart_but_ranks_below_the_compound() {
    let index = index_with(vec![
        doc(
            1,
            "海州市住房租赁补贴实施细则",
            "符合条件的家庭可申请住房租赁补贴。",
            "2024-01-01",
        ),
        doc(
            2,
            "关于发放住房补贴的通知",
            "住房补贴按月发放。",
            "2020-01-01",
        ),
        doc(3, "学院办公室工作规则", "院办负责日常事务。", "2024-01-01"),
        doc(
            4,
            "国务院办公厅关于印发通知",
            "国务院办公厅印发。",
            "2024-01-01",
        ),
        doc(5, "分级负责的通知", "院、办两级分别负责。", "2024-01-01"),
    ]);
    assert_eq!(ids(&index, "住房补贴"), vec![2, 1]);
    assert_eq!(ids(&index, "院办"), vec![3]);
    // The reader sees why the item holding the words apart was found.
    let found = index.search(&req("住房补贴")).unwrap();
    let marked = |id: i64| {
        let hit = found.hits.iter().find(|h| h.id == id).unwrap();
        format!(
            "{} {}",
            hit.title_html,
            hit.snippet_html.clone().unwrap_or_default()
        )
    };
    assert!(
        marked(1).contains("<mark>住房</mark>租赁<mark>补贴</mark>"),
        "{}",
        marked(1)
    );
    assert!(marked(2).contains("<mark>住房补贴</mark>"), "{}", marked(2));
}

/// Several words are first narrowed to the items holding each word's string, but only the words
/// all of whose matches hold it: a synonym (社会保险 for 社保) or a compound's words apart
/// (住房租赁补贴 for 住房补贴) holds another string, and must still be found.
#[test]
fn several_words_find_synonyms_and_words_apart() {
    let index = index_with(vec![
        doc(1, "社会保险待遇", "住房租赁补贴按月发放。", "2024-01-01"),
        doc(2, "社保待遇", "住房补贴按月发放。", "2024-01-01"),
        doc(3, "社保待遇", "补贴按月发放。", "2024-01-01"),
        doc(4, "社会保险待遇", "住房公积金按月发放。", "2024-01-01"),
    ]);
    let mut found = ids(&index, "社保 住房补贴");
    found.sort_unstable();
    assert_eq!(found, vec![1, 2]);
    let mut found = ids(&index, "待遇 发放");
    found.sort_unstable();
    assert_eq!(found, vec![1, 2, 3, 4]);
    assert_eq!(index.top_ids(&req("社保 住房补贴")).unwrap().0, 2);
}

/// `n` items from the corpus's eight, on other days, some with 政务公开 in the title.
fn varied_corpus(n: usize) -> Vec<SearchDoc> {
    (0..n)
        .map(|n| {
            let base = &corpus()[n % 8];
            let mut d = base.clone();
            d.id = n as i64 + 1;
            d.published_on = date("2010-01-01") + chrono::Days::new((n * 7 % 5000) as u64);
            if n % 13 == 0 {
                d.title = format!("关于印发政务公开工作要点的通知（第{n}号）");
            }
            d.body_text = format!("{} 第{}条 政务公开工作。", base.body_text, n % 50);
            d
        })
        .collect()
}

/// The segments a rebuild merges away leave no files behind (a 1M index once kept 13 GB on
/// disk for 6 GB of segments): the earlier segments, and those of the rebuild's indexing
/// threads, merged into one.
#[test]
fn a_rebuild_on_disk_keeps_only_the_files_of_its_segments() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(Some(dir.path()), Analysis::new("", None).unwrap()).unwrap();
    // Five segments: fewer than tantivy's merge policy merges in the background.
    for d in varied_corpus(5) {
        index.apply(&[Change::Upsert(Box::new(d))], 1).unwrap();
    }
    index.rebuild(varied_corpus(3000), 2, &mut |_| {}).unwrap();
    let segments: std::collections::BTreeSet<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let (stem, _) = name.split_once('.')?;
            (stem.len() == 32).then(|| stem.to_owned())
        })
        .collect();
    assert_eq!(index.num_segments(), 1);
    assert_eq!(
        segments.len(),
        1,
        "files of merged segments left: {segments:?}"
    );
}

/// An index in several segments, walked side by side, answers as the same items in one
/// segment: the same pages in the same order, totals, facets, date order and pages past the
/// first window of candidates, for rare and very frequent words (whose walk is pruned).
#[test]
fn segments_searched_side_by_side_answer_as_one_segment() {
    let many = varied_corpus(600);
    let one = index_with(many.clone());
    // A commit of every hundred items: a segment or more each.
    let split = SearchIndex::open(None, Analysis::new("", None).unwrap()).unwrap();
    for (n, batch) in many.chunks(100).enumerate() {
        let changes: Vec<Change> = batch
            .iter()
            .map(|d| Change::Upsert(Box::new(d.clone())))
            .collect();
        split.apply(&changes, n as i64 + 1).unwrap();
    }
    assert_eq!(one.num_segments(), 1);
    assert!(split.num_segments() > 1);
    for q in [
        "政务公开",
        "工作",
        "低保",
        "住房公积金 基数",
        "\"生活保障\"",
        "",
    ] {
        for (sort, page) in [
            (SortOrder::Relevance, 1),
            (SortOrder::Relevance, 7),
            (SortOrder::Relevance, 21),
            (SortOrder::Newest, 1),
            (SortOrder::Oldest, 3),
        ] {
            let r = SearchRequest {
                sort,
                page,
                ..req(q)
            };
            let (a, b) = (one.search(&r).unwrap(), split.search(&r).unwrap());
            let hits = |x: &gongkai_search::SearchResults| -> Vec<i64> {
                x.hits.iter().map(|h| h.id).collect()
            };
            assert_eq!(hits(&a), hits(&b), "{q} {sort:?} page {page}");
            assert_eq!((a.total, &a.facets), (b.total, &b.facets), "{q} {sort:?}");
            assert_eq!(one.top_ids(&r).unwrap(), split.top_ids(&r).unwrap(), "{q}");
        }
    }
    assert!(one.search(&req("工作")).unwrap().total >= 500);
}

/// `top_ids` (the API's lean answer) gives the page and total `search` gives, as segments come
/// and go: its id column is kept per segment, and a segment merged away must not answer.
#[test]
fn lean_ids_match_the_full_search_as_segments_change() {
    let index = SearchIndex::open(None, Analysis::new("", None).unwrap()).unwrap();
    let same = |index: &SearchIndex| {
        for q in ["低保", "环境保护", "公积金 基数", "政务公开", ""] {
            let full = index.search(&req(q)).unwrap();
            let (total, lean) = index.top_ids(&req(q)).unwrap();
            assert_eq!(
                lean,
                full.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
                "{q}"
            );
            assert_eq!(total, full.total, "{q}");
        }
    };
    // One segment per change, then one after a rebuild, then a changed item in a new segment.
    for d in corpus() {
        index.apply(&[Change::Upsert(Box::new(d))], 1).unwrap();
    }
    assert!(index.num_segments() > 1);
    same(&index);
    index.rebuild(corpus(), 2, &mut |_| {}).unwrap();
    assert_eq!(index.num_segments(), 1);
    same(&index);
    // Item 1 (政务公开) is now item 900, in a segment of its own.
    let mut moved = corpus().remove(0);
    moved.id = 900;
    index.apply(&[Change::Delete(1)], 3).unwrap();
    index.apply(&[Change::Upsert(Box::new(moved))], 4).unwrap();
    same(&index);
    let (_, lean) = index.top_ids(&req("政务公开")).unwrap();
    assert!(lean.contains(&900) && !lean.contains(&1), "{lean:?}");
}

/// A word in many items, in some titles and keywords: the lean walk stops scoring the items
/// holding it in the text alone once nothing but a titled one can enter, and must still give the
/// search's page and total, on pages of the first windows, in several segments with deleted
/// items.
#[test]
fn a_pruned_walk_for_a_frequent_word_gives_the_full_pages() {
    let index = SearchIndex::open(None, Analysis::new("", None).unwrap()).unwrap();
    let make = |id: i64| {
        let title = match id % 9 {
            0 => "关于核定低保对象的通知".to_owned(),
            4 => "对象名单公示".to_owned(),
            _ => format!("第{id}号安排"),
        };
        // 对象 in a third of the bodies, one to five times, in bodies of varied length: the
        // items holding it in the text alone score unevenly, and some outrank titled ones.
        let held = if id % 3 == 0 {
            "低保对象按月发放。"
        } else {
            "低保按月发放。"
        };
        let body = held.repeat(1 + (id % 5) as usize) + &"其他事项。".repeat((id % 7) as usize);
        let mut d = doc(id, &title, &body, &format!("{}-03-01", 2010 + id % 15));
        if id % 13 == 0 {
            d.keywords = vec!["对象".to_owned()];
        }
        d
    };
    for chunk in (1..=1800i64).collect::<Vec<_>>().chunks(600) {
        let changes: Vec<Change> = chunk
            .iter()
            .map(|&id| Change::Upsert(Box::new(make(id))))
            .collect();
        index.apply(&changes, chunk[0]).unwrap();
    }
    // Deleted items (some titled) in every segment.
    let gone: Vec<Change> = (1..=1800i64)
        .filter(|id| id % 17 == 0)
        .map(Change::Delete)
        .collect();
    index.apply(&gone, 2000).unwrap();
    assert!(index.num_segments() > 1);
    // 对象: in titles and keywords, no synonym (the walk prunes); 低保: with its synonym; 发放:
    // in no title (nothing to prune).
    for (q, pages) in [
        ("对象", [1, 2, 20, 21, 45, 52, 60]),
        ("低保", [1, 2, 20, 21, 40, 41, 60]),
        ("发放", [1, 3, 20, 21, 30, 60, 61]),
    ] {
        for page in pages {
            let r = SearchRequest { page, ..req(q) };
            let full = index.search(&r).unwrap();
            let (total, lean) = index.top_ids(&r).unwrap();
            assert_eq!(total, full.total, "{q} page {page}");
            assert_eq!(
                lean,
                full.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
                "{q} page {page}"
            );
        }
    }
}

/// Facet counts over many matches (more than one block of the collector), in two segments, with
/// body ids close together in the first and far apart in the second, several key areas per item
/// and items without one: the same as counting the documents directly. The word is in the
/// title of the first 300 items only, so that once the best of the page are found among them
/// the rest are counted without being scored: they must be counted in the facets all the same.
/// Some items are then deleted. A word in most items is counted as the segments' totals less
/// the items it misses (the deleted among them), one in a third of them directly.
#[test]
fn facets_over_many_matches_equal_a_direct_count() {
    let areas = ["社会救助", "教育", "就业创业", "住房保障"];
    let genres = ["通知", "意见", "公告"];
    let docs: Vec<SearchDoc> = (1..=1500i64)
        .map(|id| {
            let title = if id <= 300 {
                "关于住房补贴发放的通知"
            } else {
                "关于做好救助工作的通知"
            };
            let body = if id % 3 == 0 {
                "住房补贴按月发放，另发取暖费。"
            } else {
                "住房补贴按月发放。"
            };
            let mut d = doc(id, title, body, "2020-01-01");
            // Far apart only in the second segment.
            d.body_id = if id > 900 && id % 7 == 0 {
                9_000_000 + id % 5
            } else {
                1 + id % 4
            };
            d.published_on = date(&format!("{}-03-01", 2014 + id % 11));
            d.genre = genres[(id % 3) as usize].to_owned();
            d.validity = if id % 10 == 0 { "失效" } else { "有效" }.to_owned();
            d.topic = format!("主题{}/子题{}", id % 3, id % 6);
            d.key_areas = (0..(id % 3) as usize)
                .map(|k| areas[(id as usize + k) % areas.len()].to_owned())
                .collect();
            d
        })
        .collect();
    let index = SearchIndex::open(None, Analysis::new("", None).unwrap()).unwrap();
    let (first, second) = docs.split_at(900);
    index.rebuild(first.to_vec(), 1, &mut |_| {}).unwrap();
    let changes: Vec<Change> = second
        .iter()
        .map(|d| Change::Upsert(Box::new(d.clone())))
        .collect();
    index.apply(&changes, 2).unwrap();
    assert!(index.num_segments() >= 2);
    let deleted = |d: &SearchDoc| d.id % 13 == 0;
    let deletions: Vec<Change> = docs
        .iter()
        .filter(|d| deleted(d))
        .map(|d| Change::Delete(d.id))
        .collect();
    index.apply(&deletions, 3).unwrap();

    for (q, holds) in [("住房", "住房"), ("取暖费", "取暖费")] {
        let live: Vec<&SearchDoc> = docs
            .iter()
            .filter(|d| !deleted(d) && d.body_text.contains(holds))
            .collect();
        assert_facets_count(&index.search(&req(q)).unwrap(), &live);
    }
}

/// `found`'s total and facets are those of `docs`, counted directly.
fn assert_facets_count(found: &gongkai_search::SearchResults, docs: &[&SearchDoc]) {
    use std::collections::BTreeMap;
    assert_eq!(found.total, docs.len() as u64);
    let count = |key: &dyn Fn(&SearchDoc) -> Vec<String>| {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for d in docs {
            for k in key(d) {
                *counts.entry(k).or_default() += 1;
            }
        }
        counts
    };
    let facet = |pairs: Vec<(String, u64)>| pairs.into_iter().collect::<BTreeMap<_, _>>();
    let strings = |f: &dyn Fn(&SearchDoc) -> Vec<String>| count(f);
    assert_eq!(
        facet(
            found
                .facets
                .bodies
                .iter()
                .map(|(b, n)| (b.to_string(), *n))
                .collect()
        ),
        strings(&|d| vec![d.body_id.to_string()])
    );
    assert_eq!(
        facet(
            found
                .facets
                .years
                .iter()
                .map(|(y, n)| (y.to_string(), *n))
                .collect()
        ),
        strings(&|d| vec![chrono::Datelike::year(&d.published_on).to_string()])
    );
    assert_eq!(
        facet(found.facets.genres.clone()),
        strings(&|d| vec![d.genre.clone()])
    );
    assert_eq!(
        facet(found.facets.validity.clone()),
        strings(&|d| vec![d.validity.clone()])
    );
    assert_eq!(
        facet(found.facets.key_areas.clone()),
        strings(&|d| d.key_areas.clone())
    );
    assert_eq!(
        facet(found.facets.topics.clone()),
        strings(&|d| {
            let top = d
                .topic
                .split_once('/')
                .map(|(t, _)| t.to_owned())
                .unwrap_or_default();
            vec![d.topic.clone(), top]
        })
    );
}
