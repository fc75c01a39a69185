//! Work-plan parser (工作要点解析): the published text of a work plan → header,
//! general requirements, sections and tasks with their responsible bodies.
//!
//! Every year each city, district and department receives a plan such as the seed
//! (`testdata/zhoushan-2016-workplan.txt`): a notice (关于印发…的通知) with its
//! issuing body and date, then the plan: the general requirements (总体要求), sections
//! `一、…`, subsections `(一)…` / `（一）…`, numbered points `1.` / `1．` / `1、` and
//! paragraphs. A task is the text one responsibility clause covers, e.g.
//! `…(市发改委牵头落实)`: usually a paragraph; where a paragraph holds several
//! clauses each clause closes a task; a paragraph or numbered point without a clause
//! is one task with no lead body, left for the city office to assign. A clause on a
//! line of its own (plans laid out as tables) closes the task above it.
//!
//! The parser is total: it never fails and never panics. Text copied from web pages
//! is messy, so it repairs known damage (`县<>政府`, `2016722`), skips page furniture
//! and injected spam, and reports in [`ParsedPlan::unplaced`] every line it skipped
//! or could not place (blank lines excepted). It works line by line and is linear in
//! the size of the input.
//!
//! Names of bodies are kept as written (white space removed, brackets half-width):
//! collective names such as `各县(区)政府` or `市属各单位` are not expanded here
//! (that is the importer's job, see [`is_collective_name`]). `…、市科技局等相关部门负责落实`
//! gives the listed bodies followed by one collective entry `相关部门` (the words after
//! 等; a bare `等部门`/`等单位` becomes `相关部门`/`相关单位`).
//! Bodies that 牵头 (lead) or 负责 (are responsible) are lead bodies; bodies that
//! 配合/协助/参与, or are introduced by 会同, are co-responsible.

pub mod assign;
mod clause;
mod deadline;
mod header;
mod junk;
#[cfg(test)]
mod tests;
mod text;

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::{Deserialize, Serialize};

pub use deadline::deadline_hint;

use clause::Clause;
use text::{parse_number, squash_spaces, trim};

/// The result of parsing a plan's text (解析结果).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedPlan {
    pub header: PlanHeader,
    /// The general requirements (总体要求), paragraphs joined by `\n`.
    pub general: String,
    pub sections: Vec<Section>,
    /// Every task, in the order of the text.
    pub tasks: Vec<Task>,
    /// Lines skipped or not placed (furniture, spam, orphan clauses…), in line order.
    pub unplaced: Vec<Unplaced>,
}

/// The notice header (文头).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanHeader {
    /// The notice title, e.g. `舟山市人民政府办公室关于印发2016年舟山市政务公开工作要点的通知`
    /// (white space next to Chinese characters removed); empty when none was found.
    pub title: String,
    /// The plan's own name, from `关于印发…的通知` or the title itself.
    pub plan_name: Option<String>,
    /// The issuing body (发文机关), the line before the date.
    pub issuer: Option<String>,
    /// The date of issue (成文日期).
    pub date: Option<NaiveDate>,
    /// The plan year: the year in the plan's name or title, else the year of `date`.
    /// Month deadlines (`6月底前`) are dated in this year.
    pub year: Option<i32>,
    /// The document number (文号), normalised to 〔〕 when it parses.
    pub doc_number: Option<String>,
    /// The recipients (主送机关), without the final colon.
    pub addressees: Option<String>,
    /// Other header text: the forwarding sentence, `此件公开发布`, `公开方式：…`.
    pub notes: Vec<String>,
}

/// A section `一、…` (部分).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The Chinese numeral, e.g. `一`; empty for the implicit section that holds
    /// subsections found before any section heading.
    pub number: String,
    pub title: String,
    pub subsections: Vec<Subsection>,
}

/// A subsection `(一)…` or `（一）…`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subsection {
    /// The Chinese numeral, e.g. `一`.
    pub number: String,
    pub title: String,
}

/// One task (任务): the text one responsibility clause covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Stable id `S.U.N`: the S-th section, the U-th subsection in it (0 when none),
    /// the N-th task there; ordinals follow the text, so `1.2.3` is the third task of
    /// the second subsection of the first section. Tasks before any section have S = 0.
    pub id: String,
    /// The section's numeral (`一`), empty before any section.
    pub section: String,
    /// The subsection's numeral (`二`).
    pub subsection: Option<String>,
    /// The numbered point (`1` for `1.`/`1．`/`1、`/`(1)`), if any.
    pub point: Option<String>,
    /// The task's text without its clause (paragraphs of one point joined by `\n`).
    pub text: String,
    /// The responsibility clause as written, with its brackets if it has any (after
    /// the repair of known damage: `县<>政府` reads `县(区)政府`).
    pub clause: Option<String>,
    /// Lead bodies (牵头/负责), as written; empty when the plan names none.
    pub lead: Vec<String>,
    /// Co-responsible bodies (配合/会同 …).
    pub co: Vec<String>,
    pub deadline_hint: Option<DeadlineHint>,
    /// 1-based line where the task's text starts.
    pub line: usize,
}

/// A deadline written in the task (时限).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineHint {
    pub kind: DeadlineKind,
    /// The words as found, e.g. `3个工作日内`.
    pub text: String,
}

/// The kind of a written deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// 年内: within the plan year.
    WithinYear,
    /// 年底前: by the end of the plan year.
    YearEnd,
    /// N个工作日内.
    WorkingDays(u32),
    /// N小时内.
    Hours(u32),
    /// 每年…不少于N次: `per` is 年, 半年, 季度, 月, 周 or 旬.
    Recurring { per: String, times: u32 },
    /// 6月底前, 9月30日前 …, dated in the plan year unless the text names a year.
    Date(NaiveDate),
    /// A deadline-like phrase without a fixed date: 3年内, 上半年前, 3个月内, or a month
    /// deadline when the plan year is unknown.
    Other,
}

/// A line the parser skipped or could not place (未归类内容).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unplaced {
    /// 1-based line number.
    pub line: usize,
    pub text: String,
    /// Why, in Chinese for the office.
    pub reason: String,
}

/// Whether a body name in a clause stands for several bodies (集合名称): `各县(区)政府`,
/// `市属各单位`, `相关部门`, `市级有关部门`. The importer expands these.
pub fn is_collective_name(name: &str) -> bool {
    name.contains('各')
        || ["相关", "有关", "其他", "其它", "所属"]
            .iter()
            .any(|w| name.contains(w))
}

/// Parses a plan's text. Never panics; see the module documentation.
pub fn parse(text: &str) -> ParsedPlan {
    Parser::default().run(text)
}

#[allow(clippy::expect_used)]
static SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<n>[一二三四五六七八九十]{1,3})\s*[、．.，,]\s*(?P<rest>.*)$")
        .expect("static regex")
});

#[allow(clippy::expect_used)]
static SUBSECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[(（]\s*(?P<n>[一二三四五六七八九十]{1,3})\s*[)）]\s*[、．.]?\s*(?P<rest>.*)$")
        .expect("static regex")
});

#[allow(clippy::expect_used)]
static POINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?P<n>[0-9０-９]{1,3})\s*(?P<sep>[.．、])|[(（]\s*(?P<pn>[0-9０-９]{1,3})\s*[)）]|(?P<circled>[①-⑳]))\s*(?P<rest>.*)$",
    )
    .expect("static regex")
});

/// A heading or point: its number and the rest of the line.
fn section_heading(s: &str) -> Option<(String, &str)> {
    let c = SECTION.captures(s)?;
    Some((c.name("n")?.as_str().to_owned(), c.name("rest")?.as_str()))
}

fn subsection_heading(s: &str) -> Option<(String, &str)> {
    let c = SUBSECTION.captures(s)?;
    Some((c.name("n")?.as_str().to_owned(), c.name("rest")?.as_str()))
}

fn numbered_point(s: &str) -> Option<(String, &str)> {
    let c = POINT.captures(s)?;
    let rest = c.name("rest")?.as_str();
    let number = if let Some(n) = c.name("n") {
        // `1.5亿元` is a number, not point 1.
        if c.name("sep").is_some_and(|m| m.as_str() == ".")
            && rest.starts_with(|ch: char| ch.is_ascii_digit())
        {
            return None;
        }
        parse_number(n.as_str())?
    } else if let Some(n) = c.name("pn") {
        parse_number(n.as_str())?
    } else {
        let circled = c.name("circled")?.as_str().chars().next()?;
        circled as u32 - '①' as u32 + 1
    };
    Some((number.to_string(), rest))
}

fn is_structural(s: &str) -> bool {
    section_heading(s).is_some() || subsection_heading(s).is_some() || numbered_point(s).is_some()
}

/// A heading's title, and the rest of the line when the heading continues: after its
/// first `。` (`深化…公开。在全面公开…`), or from a clause written on the heading itself
/// (`加强组织领导（市政府办公室负责）`).
fn split_heading(rest: &str) -> (String, Option<&str>) {
    let rest = trim(rest);
    let first_clause = clause::split_line(rest)
        .first()
        .filter(|p| p.clause.is_some())
        .map(|p| p.text.len());
    let cut = match (rest.find('。'), first_clause) {
        (Some(i), Some(c)) if c < i => Some((c, c)),
        (Some(i), _) => Some((i, i + '。'.len_utf8())),
        (None, Some(c)) => Some((c, c)),
        (None, None) => None,
    };
    let title =
        |end: usize| trim(trim(&rest[..end]).trim_end_matches(['。', '.', '；', ';'])).to_owned();
    if let Some((title_end, tail_start)) = cut {
        let tail = trim(&rest[tail_start..]);
        if !tail.is_empty() {
            return (title(title_end), Some(tail));
        }
    }
    (title(rest.len()), None)
}

/// Task text without surrounding blanks and separators; empty when nothing is left
/// but punctuation.
fn clean(text: &str) -> &str {
    let t = trim(text)
        .trim_start_matches(|c: char| {
            text::is_blank(c)
                || matches!(c, '，' | ',' | '、' | '；' | ';' | '。' | '.' | '：' | ':')
        })
        .trim_end_matches(|c: char| text::is_blank(c) || matches!(c, '，' | ',' | '、'));
    if t.chars().any(char::is_alphanumeric) {
        t
    } else {
        ""
    }
}

/// Where the parser is in the document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Zone {
    /// Before the title.
    #[default]
    Start,
    /// Inside a forwarding notice (关于印发…的通知), before the plan itself.
    Notice,
    /// After the notice, before the first heading: the general requirements.
    Preamble,
    /// Sections, subsections, points and tasks.
    Body,
}

/// What the header pre-pass found on a line.
#[derive(Debug, Clone)]
enum Mark {
    None,
    Date(header::DateLine),
    Issuer(String),
}

/// What a line of the front matter turned out to be.
enum Front {
    Done,
    DoneSkipNext,
    Body,
}

/// Text waiting for the clause that closes it.
struct Pending {
    line: usize,
    text: String,
    /// Opened by a numbered point: the following clause-less paragraphs belong to it.
    open_point: bool,
}

#[derive(Default)]
struct Parser {
    plan: ParsedPlan,
    zone: Zone,
    date_seen: bool,
    title_cmp: String,
    name_cmp: String,
    general: Vec<String>,
    section_ord: usize,
    sub_ord: usize,
    counter: usize,
    section: String,
    subsection: Option<String>,
    point: Option<String>,
    general_section: bool,
    pending: Option<Pending>,
    /// The last task, when it was closed by a labelled clause that may continue.
    last_label_task: Option<usize>,
    /// Deadlines from labelled clauses, parallel to `plan.tasks`.
    label_deadlines: Vec<Option<String>>,
}

struct Line<'a> {
    no: usize,
    raw: &'a str,
    text: Cow<'a, str>,
}

impl Parser {
    fn run(mut self, input: &str) -> ParsedPlan {
        let mut lines: Vec<Line<'_>> = Vec::new();
        // Old Mac files end lines with a lone CR.
        let separator = if input.contains('\n') { '\n' } else { '\r' };
        for (i, raw) in input.split(separator).enumerate() {
            let raw = trim(raw);
            if raw.is_empty() {
                continue;
            }
            let text = text::repair(raw);
            if let Some(reason) = junk::classify(&text, || clause::has_clause(&text)) {
                self.unplace(i + 1, raw, reason);
                continue;
            }
            lines.push(Line {
                no: i + 1,
                raw,
                text,
            });
        }
        let marks = mark_dates(&lines);
        let mut i = 0;
        while i < lines.len() {
            let line = &lines[i];
            let next = lines.get(i + 1).map(|l| l.text.as_ref());
            i += 1;
            if self.header_mark(&marks[i - 1], line) {
                continue;
            }
            let s = line.text.as_ref();
            if self.zone != Zone::Body {
                match self.front(s, next) {
                    Front::Done => continue,
                    Front::DoneSkipNext => {
                        i += 1;
                        continue;
                    }
                    Front::Body => {}
                }
            }
            self.body_line(line.no, s);
        }
        self.finish()
    }

    fn unplace(&mut self, line: usize, text: &str, reason: impl Into<String>) {
        self.plan.unplaced.push(Unplaced {
            line,
            text: text.to_owned(),
            reason: reason.into(),
        });
    }

    /// Handles an issuer or date line found by the pre-pass; `false` when the line is
    /// to be read as ordinary text (a date inside the body once the header has one).
    fn header_mark(&mut self, mark: &Mark, line: &Line<'_>) -> bool {
        let honoured = self.zone != Zone::Body || self.plan.header.date.is_none();
        match mark {
            Mark::None => false,
            _ if !honoured => false,
            Mark::Issuer(name) => {
                if self.plan.header.issuer.is_none() {
                    self.plan.header.issuer = Some(name.clone());
                } else {
                    self.plan.header.notes.push(name.clone());
                }
                true
            }
            Mark::Date(d) => {
                if let (Some(issuer), None) = (&d.issuer, &self.plan.header.issuer) {
                    self.plan.header.issuer = Some(issuer.clone());
                }
                match (&d.date, self.plan.header.date) {
                    (Ok(date), None) if !self.date_seen => self.plan.header.date = Some(*date),
                    (Ok(_), _) => self.unplace(line.no, line.raw, "重复的成文日期，已忽略"),
                    (Err(_), _) => self.unplace(
                        line.no,
                        line.raw,
                        "成文日期的数字可有多种读法，无法确定日期",
                    ),
                }
                self.date_seen = true;
                true
            }
        }
    }

    /// The notice and the preamble: title, recipients, notes, general requirements.
    fn front(&mut self, s: &str, next: Option<&str>) -> Front {
        if is_structural(s) {
            return Front::Body;
        }
        if header::is_general_line(s) {
            self.general.push(s.to_owned());
            self.zone = Zone::Preamble;
            return Front::Done;
        }
        if let Some(n) = header::doc_number_line(s) {
            if self.plan.header.doc_number.is_none() {
                self.plan.header.doc_number = Some(n);
            } else {
                self.plan.header.notes.push(s.to_owned());
            }
            return Front::Done;
        }
        if let Some(n) = header::note_line(s) {
            self.plan.header.notes.push(n);
            return Front::Done;
        }
        if self.zone == Zone::Start {
            let ends_like_text = s.ends_with(['。', '：', ':']);
            if s.chars().count() <= 120 && !ends_like_text && !clause::has_clause(s) {
                return self.title(s, next);
            }
            self.zone = Zone::Preamble;
        }
        let cmp = header::comparable(s);
        if !cmp.is_empty() && cmp == self.name_cmp {
            // The plan's name repeated as the heading of the annex.
            self.zone = Zone::Preamble;
            return Front::Done;
        }
        if !cmp.is_empty() && !self.title_cmp.is_empty() && self.title_cmp.contains(&cmp) {
            return Front::Done; // a line of the title, printed again
        }
        if self.plan.header.addressees.is_none()
            && let Some(a) = header::addressees(s)
        {
            self.plan.header.addressees = Some(a);
            return Front::Done;
        }
        if self.zone == Zone::Notice && !self.date_seen {
            self.plan.header.notes.push(s.to_owned());
            return Front::Done;
        }
        if clause::has_clause(s) {
            return Front::Body;
        }
        self.general.push(s.to_owned());
        self.zone = Zone::Preamble;
        Front::Done
    }

    fn title(&mut self, s: &str, next: Option<&str>) -> Front {
        let mut title = squash_spaces(s);
        let mut step = Front::Done;
        if title.contains("关于")
            && !header::has_title_ending(&title)
            && let Some(next) = next
            && next.chars().count() <= 80
            && header::has_title_ending(next)
            && !is_structural(next)
        {
            title.push_str(&squash_spaces(next));
            step = Front::DoneSkipNext;
        }
        let (title, number) = header::split_title_doc_number(&title);
        if self.plan.header.doc_number.is_none() {
            self.plan.header.doc_number = number;
        }
        self.zone = if header::is_forwarding_notice(&title) {
            Zone::Notice
        } else {
            Zone::Preamble
        };
        self.plan.header.plan_name = header::plan_name(&title);
        if title.len() <= 600 {
            self.title_cmp = header::comparable(&title);
        }
        self.name_cmp = self
            .plan
            .header
            .plan_name
            .as_deref()
            .map(header::comparable)
            .unwrap_or_default();
        self.plan.header.title = title;
        step
    }

    fn body_line(&mut self, no: usize, s: &str) {
        self.zone = Zone::Body;
        let cmp = header::comparable(s);
        if !cmp.is_empty() && (cmp == self.title_cmp || cmp == self.name_cmp) {
            return; // the title or the plan's name repeated (page headers)
        }
        if s.starts_with("附件") && s.chars().count() <= 60 && !clause::has_clause(s) {
            self.flush();
            self.unplace(no, s, "附件说明，未作为任务");
            return;
        }
        if let Some((number, rest)) = section_heading(s) {
            self.flush();
            let (title, tail) = split_heading(rest);
            let heading = title.clone();
            self.section_ord += 1;
            self.sub_ord = 0;
            self.counter = 0;
            self.section.clone_from(&number);
            self.subsection = None;
            self.point = None;
            self.last_label_task = None;
            self.general_section = ["总体要求", "指导思想"].iter().any(|w| title.contains(w));
            self.plan.sections.push(Section {
                number,
                title,
                subsections: Vec::new(),
            });
            if let Some(tail) = tail {
                self.heading_tail(no, &heading, tail);
            }
            return;
        }
        if let Some((number, rest)) = subsection_heading(s) {
            self.flush();
            let (title, tail) = split_heading(rest);
            let heading = title.clone();
            if self.plan.sections.is_empty() {
                self.plan.sections.push(Section::default());
            }
            self.sub_ord += 1;
            self.counter = 0;
            self.subsection = Some(number.clone());
            self.point = None;
            self.last_label_task = None;
            if let Some(section) = self.plan.sections.last_mut() {
                section.subsections.push(Subsection { number, title });
            }
            if let Some(tail) = tail {
                self.heading_tail(no, &heading, tail);
            }
            return;
        }
        if let Some((number, rest)) = numbered_point(s) {
            self.flush();
            self.point = Some(number);
            self.paragraph(no, rest, true);
            return;
        }
        self.paragraph(no, s, false);
    }

    /// The rest of a heading line. When it starts with a clause, the heading itself is
    /// the task that clause closes.
    fn heading_tail(&mut self, no: usize, heading: &str, tail: &str) {
        let starts_with_clause = clause::split_line(tail)
            .first()
            .is_some_and(|p| p.clause.is_some() && clean(p.text).is_empty());
        if starts_with_clause && !heading.is_empty() {
            self.pending = Some(Pending {
                line: no,
                text: heading.to_owned(),
                open_point: false,
            });
        }
        self.paragraph(no, tail, false);
    }

    /// A paragraph: its texts, each closed by a clause or left pending.
    fn paragraph(&mut self, no: usize, s: &str, point_start: bool) {
        let label_prev = self.last_label_task.take();
        let pieces = clause::split_line(s);
        let has_clause = pieces.iter().any(|p| p.clause.is_some());
        if self.general_section && !has_clause {
            self.general.push(s.to_owned());
            return;
        }
        if !point_start && !has_clause && s.ends_with(['：', ':']) {
            self.flush();
            self.unplace(no, s, "引导语（以冒号结尾），未作为任务");
            return;
        }
        for (k, piece) in pieces.into_iter().enumerate() {
            let text = clean(piece.text);
            match (text.is_empty(), piece.clause) {
                (false, clause) => {
                    let merge = k == 0
                        && !point_start
                        && self.pending.as_ref().is_some_and(|p| p.open_point);
                    if merge {
                        if let Some(p) = self.pending.as_mut() {
                            p.text.push('\n');
                            p.text.push_str(text);
                        }
                    } else {
                        self.flush();
                        self.pending = Some(Pending {
                            line: no,
                            text: text.to_owned(),
                            open_point: k == 0 && point_start,
                        });
                    }
                    if let Some(c) = clause {
                        self.close(c);
                    }
                }
                (true, Some(c)) => {
                    if self.pending.is_some() {
                        self.close(c);
                    } else if let Some(idx) =
                        label_prev.filter(|i| c.labelled && i + 1 == self.plan.tasks.len())
                    {
                        self.merge(idx, c);
                    } else {
                        let text = c.text.clone();
                        self.unplace(no, &text, "责任分工前没有对应的任务内容");
                    }
                }
                (true, None) => {}
            }
        }
    }

    fn close(&mut self, clause: Clause) {
        if let Some(p) = self.pending.take() {
            self.emit(p.line, p.text, Some(clause));
        }
    }

    fn flush(&mut self) {
        if let Some(p) = self.pending.take() {
            self.emit(p.line, p.text, None);
        }
    }

    fn emit(&mut self, line: usize, text: String, clause: Option<Clause>) {
        self.counter += 1;
        let (clause_text, lead, co, deadline, labelled) = match clause {
            Some(c) => (Some(c.text), c.lead, c.co, c.deadline, c.labelled),
            None => (None, Vec::new(), Vec::new(), None, false),
        };
        if labelled {
            self.last_label_task = Some(self.plan.tasks.len());
        }
        self.plan.tasks.push(Task {
            id: format!("{}.{}.{}", self.section_ord, self.sub_ord, self.counter),
            section: self.section.clone(),
            subsection: self.subsection.clone(),
            point: self.point.clone(),
            text,
            clause: clause_text,
            lead,
            co,
            deadline_hint: None,
            line,
        });
        self.label_deadlines.push(deadline);
    }

    /// A labelled clause continuing on the next line (`配合单位：…` after `牵头单位：…`).
    fn merge(&mut self, idx: usize, clause: Clause) {
        let Some(task) = self.plan.tasks.get_mut(idx) else {
            return;
        };
        for name in clause.lead {
            if !task.lead.contains(&name) {
                task.co.retain(|n| *n != name);
                task.lead.push(name);
            }
        }
        for name in clause.co {
            if !task.lead.contains(&name) && !task.co.contains(&name) {
                task.co.push(name);
            }
        }
        task.clause = Some(match task.clause.take() {
            Some(old) => format!("{old}；{}", clause.text),
            None => clause.text,
        });
        if let (Some(d), Some(slot)) = (clause.deadline, self.label_deadlines.get_mut(idx)) {
            *slot = Some(d);
        }
        self.last_label_task = Some(idx);
    }

    fn finish(mut self) -> ParsedPlan {
        self.flush();
        let header = &mut self.plan.header;
        header.year = header
            .plan_name
            .as_deref()
            .and_then(header::year_in)
            .or_else(|| header::year_in(&header.title))
            .or_else(|| header.date.map(|d| d.year()));
        let year = header.year;
        for (task, label) in self.plan.tasks.iter_mut().zip(&self.label_deadlines) {
            task.deadline_hint = match label {
                Some(d) => Some(deadline_hint(d, year).unwrap_or_else(|| DeadlineHint {
                    kind: DeadlineKind::Other,
                    text: d.clone(),
                })),
                None => deadline_hint(&task.text, year),
            };
        }
        self.plan.general = self.general.join("\n");
        self.plan.unplaced.sort_by_key(|u| u.line);
        self.plan
    }
}

/// Pre-pass: lines that are only a date, and the issuing body on the line before.
fn mark_dates(lines: &[Line<'_>]) -> Vec<Mark> {
    let mut marks = vec![Mark::None; lines.len()];
    for (i, line) in lines.iter().enumerate() {
        let Some(d) = header::date_line(&line.text) else {
            continue;
        };
        if d.issuer.is_none()
            && i > 0
            && matches!(marks[i - 1], Mark::None)
            && header::is_issuer_like(&lines[i - 1].text)
        {
            marks[i - 1] = Mark::Issuer(squash_spaces(&lines[i - 1].text));
        }
        marks[i] = Mark::Date(d);
    }
    marks
}
