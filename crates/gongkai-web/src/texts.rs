//! The portal's own words in each language ([`crate::locale::Locale`]). One struct, one value
//! per language: a phrase missing in one language does not compile. Sentences with a value in
//! them are methods, since word order differs; sentences with a link in them are split around
//! the link text.

use std::fmt::Display;

use crate::locale::Locale;

/// Every phrase of the public pages.
pub struct Texts {
    pub locale: Locale,
    /// The `lang` attribute of the page.
    pub html_lang: &'static str,
    pub common: Common,
    pub home: Home,
    pub catalog: Catalog,
    pub item: ItemTexts,
    pub search: SearchTexts,
    pub apply: ApplyTexts,
    pub track: TrackTexts,
    pub error: ErrorTexts,
    pub site_map: SiteMapTexts,
}

pub struct SiteMapTexts {
    pub sections: &'static str,
    pub for_crawlers: &'static str,
}

/// The header, footer and what several pages share.
pub struct Common {
    pub skip_to_content: &'static str,
    pub latest_feed: &'static str,
    pub site_search: &'static str,
    pub search_placeholder: &'static str,
    pub search_button: &'static str,
    pub main_nav: &'static str,
    pub home: &'static str,
    pub catalog: &'static str,
    pub interpretations: &'static str,
    pub apply: &'static str,
    pub subscribe: &'static str,
    pub large_text: &'static str,
    pub standard_text: &'static str,
    pub console: &'static str,
    pub staff_login: &'static str,
    /// The link to the other language, written in that language.
    pub other_language: &'static str,
    /// The `to` of that link.
    pub other_language_code: &'static str,
    pub sitemap: &'static str,
    pub feeds: &'static str,
    pub you_are_here: &'static str,
    pub filters_chosen: &'static str,
    pub remove_filter: &'static str,
    pub pages: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    /// Between the names of several bodies.
    pub list_separator: &'static str,
}

pub struct Home {
    pub browse_hint: &'static str,
    pub open_catalog: &'static str,
    pub latest: &'static str,
    pub see_all: &'static str,
    pub notices: &'static str,
    pub no_notices: &'static str,
    pub topics: &'static str,
    pub key_areas: &'static str,
}

pub struct Catalog {
    pub heading: &'static str,
    pub clear_all: &'static str,
    pub item_list: &'static str,
    pub nothing_matches: &'static str,
    pub empty_before: &'static str,
    pub empty_link: &'static str,
    pub empty_after: &'static str,
    pub browse_by: &'static str,
    pub topic: &'static str,
    pub key_area: &'static str,
    pub body: &'static str,
    pub genre: &'static str,
    pub year: &'static str,
    pub validity: &'static str,
}

pub struct ItemTexts {
    pub details: &'static str,
    pub index_number: &'static str,
    pub topic: &'static str,
    pub publisher: &'static str,
    pub written_on: &'static str,
    pub doc_number: &'static str,
    pub published_on: &'static str,
    pub title: &'static str,
    pub keywords: &'static str,
    pub genre: &'static str,
    pub validity: &'static str,
    pub key_areas: &'static str,
    pub disclosure: &'static str,
    pub channel: &'static str,
    pub time_limit: &'static str,
    pub scope: &'static str,
    pub summary: &'static str,
    pub attachments: &'static str,
    pub replaces: &'static str,
    pub expired: &'static str,
    pub repealed: &'static str,
    pub revised: &'static str,
    pub in_force_now: &'static str,
    pub sentence_end: &'static str,
    pub withdrawn_heading: &'static str,
    pub back_to_catalog: &'static str,
}

pub struct SearchTexts {
    pub heading: &'static str,
    pub search_label: &'static str,
    pub placeholder: &'static str,
    pub sort: &'static str,
    pub by_relevance: &'static str,
    pub newest_first: &'static str,
    pub oldest_first: &'static str,
    pub help: &'static str,
    pub results: &'static str,
    pub to_filters: &'static str,
    pub try_these: &'static str,
    pub empty_before: &'static str,
    pub empty_catalog: &'static str,
    pub empty_middle: &'static str,
    pub empty_apply: &'static str,
    pub empty_after: &'static str,
    pub attachment: &'static str,
    pub index_number: &'static str,
    pub related: &'static str,
    pub related_separator: &'static str,
    pub filters: &'static str,
    /// Said to English readers whose query has no Chinese and found nothing.
    pub chinese_content: &'static str,
}

pub struct ApplyTexts {
    pub heading: &'static str,
    pub intro_before: &'static str,
    pub intro_link: &'static str,
    pub intro_after: &'static str,
    pub track_link: &'static str,
    pub requester_type: &'static str,
    pub choose: &'static str,
    pub organisation_prefix: &'static str,
    pub name: &'static str,
    pub id_document: &'static str,
    pub for_individuals: &'static str,
    pub org_code: &'static str,
    pub for_organisations: &'static str,
    pub contact_person: &'static str,
    pub phone: &'static str,
    pub email: &'static str,
    pub address: &'static str,
    pub for_post: &'static str,
    pub body: &'static str,
    pub delivery: &'static str,
    pub description: &'static str,
    pub description_hint: &'static str,
    pub purpose: &'static str,
    pub optional: &'static str,
    pub files: &'static str,
    pub files_hint: &'static str,
    pub submit: &'static str,
    pub done_heading: &'static str,
    pub tracking_number: &'static str,
    pub secret_code: &'static str,
    pub keep_before: &'static str,
    pub keep_link: &'static str,
    pub keep_after: &'static str,
    /// The same form was sent again: nothing new, a new code.
    pub repeated: &'static str,
}

pub struct TrackTexts {
    pub heading: &'static str,
    pub letters: &'static str,
    pub download_word: &'static str,
    pub tracking_number: &'static str,
    pub secret_code: &'static str,
    pub submit: &'static str,
    pub not_found: &'static str,
    pub status: &'static str,
    pub body: &'static str,
    pub received_on: &'static str,
    pub due: &'static str,
    pub progress: &'static str,
    pub outcome: &'static str,
    pub history: &'static str,
}

pub struct ErrorTexts {
    pub title: &'static str,
    pub heading: &'static str,
    pub back_home: &'static str,
    pub not_found_title: &'static str,
    pub not_found_heading: &'static str,
    pub not_found_page: &'static str,
    pub check_before: &'static str,
    pub check_link: &'static str,
    pub check_after: &'static str,
    pub home_before: &'static str,
    pub home_link: &'static str,
    pub home_after: &'static str,
    pub apply_hint: &'static str,
}

pub static ZH: Texts = Texts {
    locale: Locale::Zh,
    site_map: SiteMapTexts {
        sections: "栏目",
        for_crawlers: "站点地图（XML，供搜索引擎使用）",
    },
    html_lang: "zh-CN",
    common: Common {
        skip_to_content: "跳到正文",
        latest_feed: "最新信息",
        site_search: "站内搜索",
        search_placeholder: "搜索政府信息",
        search_button: "搜索",
        main_nav: "主导航",
        home: "首页",
        catalog: "信息公开目录",
        interpretations: "政策解读",
        apply: "依申请公开",
        subscribe: "订阅",
        large_text: "大字版",
        standard_text: "标准版",
        console: "工作台",
        staff_login: "工作人员登录",
        other_language: "English",
        other_language_code: "en",
        sitemap: "网站地图",
        feeds: "RSS/Atom 订阅",
        you_are_here: "当前位置",
        filters_chosen: "已选条件：",
        remove_filter: "取消",
        pages: "分页",
        previous: "上一页",
        next: "下一页",
        list_separator: "、",
    },
    home: Home {
        browse_hint: "按机构、主题、重点领域、体裁或年份浏览。",
        open_catalog: "进入信息公开目录",
        latest: "最新公开",
        see_all: "查看全部 →",
        notices: "通知公告",
        no_notices: "暂无公告",
        topics: "主题分类",
        key_areas: "重点领域信息公开",
    },
    catalog: Catalog {
        heading: "政府信息公开目录",
        clear_all: "清除全部",
        item_list: "信息列表",
        nothing_matches: "没有符合条件的信息。",
        empty_before: "可以",
        empty_link: "清除筛选条件",
        empty_after: "，或换一个分类浏览；如需未公开的信息，可依法申请公开。",
        browse_by: "分类导航",
        topic: "主题分类",
        key_area: "重点领域",
        body: "发布机构",
        genre: "体裁",
        year: "年份",
        validity: "有效性",
    },
    item: ItemTexts {
        details: "信息属性",
        index_number: "索引号",
        topic: "主题分类",
        publisher: "发布机构",
        written_on: "成文日期",
        doc_number: "文号",
        published_on: "发布日期",
        title: "名称",
        keywords: "主题词",
        genre: "体裁",
        validity: "有效性",
        key_areas: "重点领域",
        disclosure: "公开属性",
        channel: "公开方式",
        time_limit: "公开时限",
        scope: "公开范围",
        summary: "内容概述",
        attachments: "附件",
        replaces: "本文件替代的文件",
        expired: "本文件已失效",
        repealed: "本文件已废止",
        revised: "本文件已被修订",
        in_force_now: "，现行文件为：",
        sentence_end: "。",
        withdrawn_heading: "该信息已撤回",
        back_to_catalog: "返回信息公开目录",
    },
    search: SearchTexts {
        heading: "站内搜索",
        search_label: "搜索政府信息",
        placeholder: "输入关键词、文号或索引号，如：住房补贴、海政办发〔2016〕88号",
        sort: "排序",
        by_relevance: "按相关度",
        newest_first: "按发布日期（新→旧）",
        oldest_first: "按发布日期（旧→新）",
        help: "用空格分隔多个词；用引号 \"…\" 查找完整短语；可直接输入文号（如 海政办发[2016]88号）或拼音（如 shebao）。",
        results: "搜索结果",
        to_filters: "按条件筛选 ↓",
        try_these: "您可以试试：",
        empty_before: "请检查是否有错别字，或换用更常见的说法、更少的关键词；也可以",
        empty_catalog: "浏览信息公开目录",
        empty_middle: "。如需未公开的信息，可",
        empty_apply: "依法申请公开",
        empty_after: "。",
        attachment: "附件",
        index_number: "索引号",
        related: "相关查询：",
        related_separator: "；",
        filters: "筛选",
        chinese_content: "",
    },
    apply: ApplyTexts {
        heading: "政府信息公开申请",
        intro_before: "依据《中华人民共和国政府信息公开条例》，您可以向行政机关申请获取未主动公开的政府信息。行政机关自收到申请之日起 20 个工作日内答复（可延长 20 个工作日）。已公开的信息请先在",
        intro_link: "信息公开目录",
        intro_after: "查找。",
        track_link: "已提交申请？查询办理进度 →",
        requester_type: "申请人类型",
        choose: "请选择",
        organisation_prefix: "法人或其他组织：",
        name: "姓名或单位名称",
        id_document: "身份证件号码",
        for_individuals: "自然人填写",
        org_code: "统一社会信用代码",
        for_organisations: "法人或其他组织填写",
        contact_person: "联系人",
        phone: "联系电话",
        email: "电子邮箱",
        address: "通信地址",
        for_post: "邮寄时填写",
        body: "受理机关",
        delivery: "获取信息的方式",
        description: "所需政府信息的描述",
        description_hint: "名称、文号或者便于查询的其他特征性描述",
        purpose: "用途",
        optional: "可不填",
        files: "附件",
        files_hint: "可选，如身份证明、授权委托书；PDF、Word、图片，单个不超过 20 MB，合计不超过 25 MB，最多 5 个",
        submit: "提交申请",
        done_heading: "申请已提交",
        tracking_number: "申请编号：",
        secret_code: "查询码：",
        keep_before: "请妥善保存申请编号和查询码，凭此",
        keep_link: "查询办理进度",
        keep_after: "和答复文书。查询码只显示这一次。",
        repeated: "您刚刚已提交过相同的申请，没有重复登记。查询码已重新生成，此前显示的查询码作废。",
    },
    track: TrackTexts {
        heading: "申请查询",
        letters: "文书",
        download_word: "下载 Word 文档",
        tracking_number: "申请编号",
        secret_code: "查询码",
        submit: "查询",
        not_found: "申请编号或查询码不正确，请核对后重试",
        status: "状态",
        body: "受理机关",
        received_on: "收到日期",
        due: "答复期限",
        progress: "进度",
        outcome: "处理结果",
        history: "办理过程",
    },
    error: ErrorTexts {
        title: "出错了",
        heading: "无法完成操作",
        back_home: "返回首页",
        not_found_title: "页面不存在",
        not_found_heading: "页面不存在（404）",
        not_found_page: "您访问的页面不存在或已被移除",
        check_before: "检查网址是否输入正确；文件可能已更新，请到",
        check_link: "信息公开目录",
        check_after: "按机构、主题或年份查找；",
        home_before: "返回",
        home_link: "首页",
        home_after: "查看最新公开的信息；",
        apply_hint: "如需的信息尚未公开，可以依法提出政府信息公开申请。",
    },
};

pub static EN: Texts = Texts {
    locale: Locale::En,
    site_map: SiteMapTexts {
        sections: "Sections",
        for_crawlers: "Sitemap (XML, for search engines)",
    },
    html_lang: "en",
    common: Common {
        skip_to_content: "Skip to content",
        latest_feed: "Latest information",
        site_search: "Search this site",
        search_placeholder: "Search documents",
        search_button: "Search",
        main_nav: "Main navigation",
        home: "Home",
        catalog: "Disclosure catalog",
        interpretations: "Policy interpretations",
        apply: "Request information",
        subscribe: "Subscribe",
        large_text: "Large text",
        standard_text: "Standard text",
        console: "Console",
        staff_login: "Staff sign-in",
        other_language: "中文",
        other_language_code: "zh",
        sitemap: "Site map",
        feeds: "RSS/Atom feeds",
        you_are_here: "You are here",
        filters_chosen: "Filters: ",
        remove_filter: "Remove",
        pages: "Pages",
        previous: "Previous",
        next: "Next",
        list_separator: ", ",
    },
    home: Home {
        browse_hint: "Browse by publisher, topic, key area, document type or year.",
        open_catalog: "Open the disclosure catalog",
        latest: "Latest",
        see_all: "See all →",
        notices: "Notices",
        no_notices: "No notices",
        topics: "Topics",
        key_areas: "Key areas",
    },
    catalog: Catalog {
        heading: "Disclosure catalog",
        clear_all: "Clear all",
        item_list: "Items",
        nothing_matches: "No information matches these filters.",
        empty_before: "You can ",
        empty_link: "clear the filters",
        empty_after: " or browse another category. Information that is not yet public can be \
                      requested under the Regulations on Open Government Information.",
        browse_by: "Browse by",
        topic: "Topic",
        key_area: "Key area",
        body: "Publisher",
        genre: "Document type",
        year: "Year",
        validity: "Validity",
    },
    item: ItemTexts {
        details: "Document details",
        index_number: "Index number",
        topic: "Topic",
        publisher: "Publisher",
        written_on: "Date of issue",
        doc_number: "Document number",
        published_on: "Date published",
        title: "Title",
        keywords: "Keywords",
        genre: "Document type",
        validity: "Validity",
        key_areas: "Key areas",
        disclosure: "Disclosure",
        channel: "Published through",
        time_limit: "Disclosure period",
        scope: "Audience",
        summary: "Summary",
        attachments: "Attachments",
        replaces: "Documents this one replaces",
        expired: "This document has expired",
        repealed: "This document has been repealed",
        revised: "This document has been revised",
        in_force_now: ". The document in force is: ",
        sentence_end: ".",
        withdrawn_heading: "This information has been withdrawn",
        back_to_catalog: "Back to the catalog",
    },
    search: SearchTexts {
        heading: "Search",
        search_label: "Search government information",
        placeholder: "Keywords, a document number or an index number, e.g. 住房补贴",
        sort: "Sort",
        by_relevance: "Most relevant",
        newest_first: "Newest first",
        oldest_first: "Oldest first",
        help: "Separate words with spaces; put a phrase in quotes \"…\" to find it as written; \
               a document number (e.g. 海政办发[2016]88号) or pinyin (e.g. shebao) works too.",
        results: "Search results",
        to_filters: "Filter ↓",
        try_these: "You could try:",
        empty_before: "Check the spelling, or use fewer or more common words. You can also ",
        empty_catalog: "browse the catalog",
        empty_middle: "; information that is not yet public can be ",
        empty_apply: "requested",
        empty_after: ".",
        attachment: "Attachment",
        index_number: "Index number",
        related: "Related searches: ",
        related_separator: "; ",
        filters: "Filters",
        chinese_content: "Documents are published in Chinese: search with Chinese words, or \
                          their pinyin (e.g. shebao for 社保).",
    },
    apply: ApplyTexts {
        heading: "Request government information",
        intro_before: "Under the Regulations of the People's Republic of China on Open Government \
                       Information you can ask an administrative body for information it has not \
                       published. It replies within 20 working days of receiving your request \
                       (extendable by 20 working days). Please look first in the ",
        intro_link: "disclosure catalog",
        intro_after: " for information already published.",
        track_link: "Already applied? Follow your request →",
        requester_type: "Type of applicant",
        choose: "Please choose",
        organisation_prefix: "Organization: ",
        name: "Name or organization",
        id_document: "ID document number",
        for_individuals: "for individuals",
        org_code: "Unified social credit code",
        for_organisations: "for organizations",
        contact_person: "Contact person",
        phone: "Telephone",
        email: "E-mail",
        address: "Postal address",
        for_post: "for delivery by post",
        body: "Authority",
        delivery: "How you want the information",
        description: "The information you ask for",
        description_hint: "its title, document number or anything else that helps find it",
        purpose: "Purpose",
        optional: "optional",
        files: "Attachments",
        files_hint: "optional, e.g. proof of identity or a power of attorney; PDF, Word or \
                     images, up to 20 MB each and 25 MB together, 5 at most",
        submit: "Submit request",
        done_heading: "Request submitted",
        tracking_number: "Request number: ",
        secret_code: "Access code: ",
        keep_before: "Keep the request number and access code: with them you can ",
        keep_link: "follow your request",
        keep_after: " and read the replies. The access code is shown only this once.",
        repeated: "You had just sent the same request: it was not registered twice. A new access \
                   code was made; any code shown before no longer works.",
    },
    track: TrackTexts {
        heading: "Follow a request",
        letters: "Correspondence",
        download_word: "Download as Word",
        tracking_number: "Request number",
        secret_code: "Access code",
        submit: "Look up",
        not_found: "The request number or access code is wrong; please check and try again",
        status: "Status",
        body: "Authority",
        received_on: "Received",
        due: "Reply due",
        progress: "Progress",
        outcome: "Outcome",
        history: "History",
    },
    error: ErrorTexts {
        title: "Error",
        heading: "The request could not be completed",
        back_home: "Back to the home page",
        not_found_title: "Page not found",
        not_found_heading: "Page not found (404)",
        not_found_page: "The page you asked for does not exist or has been removed",
        check_before: "Check the address. The document may have been updated: look for it in the ",
        check_link: "disclosure catalog",
        check_after: " by publisher, topic or year.",
        home_before: "Go to the ",
        home_link: "home page",
        home_after: " for the latest information.",
        apply_hint: "Information that is not yet public can be requested under the Regulations \
                     on Open Government Information.",
    },
};

impl Texts {
    /// A catalog term (genre, key area, topic or topic path, publication channel) as this
    /// reader reads it: its English name on the English portal when there is one.
    pub fn term(&self, zh: &str) -> String {
        match self.locale {
            Locale::En => {
                gongkai_app::domain::taxonomy::english(zh).unwrap_or_else(|| zh.to_owned())
            }
            Locale::Zh => zh.to_owned(),
        }
    }

    /// Between a label and what follows it ("补正：…").
    pub fn note_separator(&self) -> &'static str {
        match self.locale {
            Locale::Zh => "：",
            Locale::En => ": ",
        }
    }

    /// The header's link to the console of a signed-in staff member.
    pub fn console_link(&self, name: &str) -> String {
        match self.locale {
            Locale::Zh => format!("{}（{name}）", self.common.console),
            Locale::En => format!("{} ({name})", self.common.console),
        }
    }

    /// The home page's count of published items.
    pub fn published_count(&self, n: i64) -> String {
        match self.locale {
            Locale::Zh => format!("已主动公开政府信息 {n} 条。"),
            Locale::En if n == 1 => "1 item of government information published.".to_owned(),
            Locale::En => format!("{n} items of government information published."),
        }
    }

    /// A count of items ("共 12 条").
    pub fn total(&self, n: &i64) -> String {
        match self.locale {
            Locale::Zh => format!("共 {n} 条"),
            Locale::En => self.items(n),
        }
    }

    /// The count on a tile or facet ("12 条").
    pub fn items(&self, n: &i64) -> String {
        match (self.locale, *n) {
            (Locale::Zh, n) => format!("{n} 条"),
            (Locale::En, 1) => "1 item".to_owned(),
            (Locale::En, n) => format!("{n} items"),
        }
    }

    /// A letter's title with the day it was issued.
    pub fn dated(&self, title: &str, on: &str) -> String {
        match self.locale {
            Locale::Zh => format!("{title}（{on}）"),
            Locale::En => format!("{title} ({on})"),
        }
    }

    /// "第 2 / 9 页".
    pub fn page_of(&self, page: impl Display, pages: impl Display) -> String {
        match self.locale {
            Locale::Zh => format!("第 {page} / {pages} 页"),
            Locale::En => format!("Page {page} of {pages}"),
        }
    }

    /// A year as a label ("2016年").
    pub fn year(&self, year: &str) -> String {
        match self.locale {
            Locale::Zh => format!("{year}年"),
            Locale::En => year.to_owned(),
        }
    }

    /// A chosen filter ("主题：社会保障").
    pub fn filter(&self, name: &str, value: &str) -> String {
        match self.locale {
            Locale::Zh => format!("{name}：{value}"),
            Locale::En => format!("{name}: {value}"),
        }
    }

    /// The banner on an item staff see before it is public.
    pub fn not_yet_public(&self, status: &str) -> String {
        match self.locale {
            Locale::Zh => format!("此信息尚未公开（{status}），仅工作人员可见。"),
            Locale::En => format!("Not yet public ({status}); only staff can see it."),
        }
    }

    /// What the page of a withdrawn item says.
    pub fn withdrawn(&self, title: &str, index_number: &str) -> String {
        match (self.locale, index_number.is_empty()) {
            (Locale::Zh, true) => format!("《{title}》已由发布机构撤回，不再公开。"),
            (Locale::Zh, false) => {
                format!("《{title}》（索引号 {index_number}）已由发布机构撤回，不再公开。")
            }
            (Locale::En, true) => {
                format!("“{title}” was withdrawn by its publisher and is no longer public.")
            }
            (Locale::En, false) => format!(
                "“{title}” (index number {index_number}) was withdrawn by its publisher and is \
                 no longer public."
            ),
        }
    }

    /// An attachment's size.
    pub fn size_kb(&self, bytes: &i64) -> String {
        match self.locale {
            Locale::Zh => format!("（{} KB）", bytes / 1024),
            Locale::En => format!("({} KB)", bytes / 1024),
        }
    }

    /// The search page's title.
    pub fn search_title(&self, q: &str) -> String {
        match (self.locale, q.is_empty()) {
            (Locale::Zh, true) => "站内搜索".to_owned(),
            (Locale::Zh, false) => format!("{q} - 搜索"),
            (Locale::En, true) => "Search".to_owned(),
            (Locale::En, false) => format!("{q} - Search"),
        }
    }

    pub fn found(&self, n: u64) -> String {
        match self.locale {
            Locale::Zh => format!("找到 {n} 条结果"),
            Locale::En if n == 1 => "1 result".to_owned(),
            Locale::En => format!("{n} results"),
        }
    }

    pub fn nothing_found(&self, q: &str) -> String {
        match self.locale {
            Locale::Zh => format!("没有找到与“{q}”相符的信息。"),
            Locale::En => format!("Nothing was found for “{q}”."),
        }
    }

    pub fn corrected(&self, original: &str) -> String {
        match self.locale {
            Locale::Zh => format!("“{original}”没有找到结果，已为您显示更正后的结果。"),
            Locale::En => {
                format!("Nothing was found for “{original}”; showing results for the correction.")
            }
        }
    }

    pub fn by_number(&self, number: &str) -> String {
        match self.locale {
            Locale::Zh => format!("已按文号/索引号“{number}”查找，对应文件排在最前。"),
            Locale::En => format!(
                "Searched for the document or index number “{number}”; that document comes first."
            ),
        }
    }

    pub fn with_synonyms(&self, word: &str, synonyms: &[String]) -> String {
        match self.locale {
            Locale::Zh => format!("“{word}”已包含同义词：{}", synonyms.join("、")),
            Locale::En => format!("“{word}” also matches: {}", synonyms.join(", ")),
        }
    }

    pub fn by_pinyin(&self, latin: &str, words: &[String]) -> String {
        match self.locale {
            Locale::Zh => format!("已按拼音“{latin}”查找：{}", words.join("、")),
            Locale::En => format!("Read “{latin}” as pinyin: {}", words.join(", ")),
        }
    }

    pub fn did_you_mean(&self, q: &str, n: u64) -> String {
        match self.locale {
            Locale::Zh => format!("您是不是要找：{q}（{n} 条）"),
            Locale::En => format!("Did you mean: {q} ({n})"),
        }
    }

    pub fn fewer_words(&self, q: &str, n: u64) -> String {
        match self.locale {
            Locale::Zh => format!("减少关键词：{q}（{n} 条）"),
            Locale::En => format!("Fewer words: {q} ({n})"),
        }
    }

    pub fn without_filters(&self, n: u64) -> String {
        match self.locale {
            Locale::Zh => format!("取消筛选条件（{n} 条）"),
            Locale::En => format!("Without the filters ({n})"),
        }
    }

    pub fn as_written(&self, q: &str, n: u64) -> String {
        match self.locale {
            Locale::Zh => format!("按原文字面查找 {q}（{n} 条）"),
            Locale::En => format!("Find {q} exactly as written ({n})"),
        }
    }

    /// The banner over a form sent back with mistakes.
    pub fn form_errors(&self, n: usize) -> String {
        match self.locale {
            Locale::Zh => {
                format!("申请有 {n} 处需要修改，请查看标红的字段。已填写的内容没有丢失。")
            }
            Locale::En if n == 1 => "One field needs changing: see the message next to it. \
                                     Nothing you entered was lost."
                .to_owned(),
            Locale::En => format!(
                "{n} fields need changing: see the messages next to them. Nothing you entered \
                 was lost."
            ),
        }
    }

    /// When the reply is due by law.
    pub fn due_by(&self, due: &str) -> String {
        match self.locale {
            Locale::Zh => format!(
                "依法应于 {due} 前答复（补正、征求第三方意见的时间不计入，延期的将另行告知）。"
            ),
            Locale::En => format!(
                "The law requires a reply by {due} (time spent supplementing the request or \
                 consulting third parties does not count; you will be told of any extension)."
            ),
        }
    }

    /// The page of an error with its status.
    pub fn error_heading(&self, status: u16) -> String {
        match self.locale {
            Locale::Zh => format!("{}（{status}）", self.error.heading),
            Locale::En => format!("{} ({status})", self.error.heading),
        }
    }

    pub fn error_title(&self, status: u16) -> String {
        match self.locale {
            Locale::Zh => format!("{}（{status}）", self.error.title),
            Locale::En => format!("{} ({status})", self.error.title),
        }
    }

    /// What an error of `status` means, for readers of the English pages (the message of the
    /// error itself is written in Chinese).
    pub fn error_meaning(&self, status: u16) -> Option<&'static str> {
        if self.locale == Locale::Zh {
            return None;
        }
        Some(match status {
            400 => "The address or the form could not be understood.",
            401 => "Please sign in first.",
            403 => {
                "This action is not allowed, or the form has expired: reload the page and try again."
            }
            409 => {
                "This conflicts with what is already there: it may have been done already, \
                    for example the same request sent twice."
            }
            422 => "Your request could not be accepted.",
            413 => "The file is too large.",
            415 => "This type of file is not accepted.",
            429 => "Too many requests from your address; please wait a moment and try again.",
            503 => "The service is briefly unavailable; please try again in a moment.",
            _ => "Something went wrong on our side; please try again later.",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_names_itself() {
        assert_eq!(ZH.locale, Locale::Zh);
        assert_eq!(EN.locale, Locale::En);
        assert_eq!(ZH.html_lang, "zh-CN");
        assert_eq!(EN.html_lang, "en");
        // The switch leads to the other language.
        assert_eq!(ZH.common.other_language_code, "en");
        assert_eq!(EN.common.other_language_code, "zh");
    }

    #[test]
    fn sentences_follow_each_language() {
        assert_eq!(ZH.total(&12), "共 12 条");
        assert_eq!(EN.total(&12), "12 items");
        assert_eq!(EN.items(&1), "1 item");
        assert_eq!(
            EN.published_count(1),
            "1 item of government information published."
        );
        assert!(EN.form_errors(1).starts_with("One field needs"));
        assert!(EN.form_errors(3).starts_with("3 fields need"));
        assert_eq!(EN.dated("Receipt", "2026-12-01"), "Receipt (2026-12-01)");
        assert_eq!(EN.found(1), "1 result");
        assert_eq!(EN.found(3), "3 results");
        assert_eq!(ZH.page_of(2, 9), "第 2 / 9 页");
        assert_eq!(EN.page_of(2, 9), "Page 2 of 9");
        assert_eq!(
            EN.withdrawn("T", ""),
            "“T” was withdrawn by its publisher and is no longer public."
        );
        assert!(ZH.withdrawn("T", "N-1").contains("（索引号 N-1）"));
        assert_eq!(ZH.error_meaning(404), None);
        assert!(EN.error_meaning(429).is_some_and(|m| m.contains("wait")));
    }

    /// The English pages carry no Chinese of their own (example queries aside).
    #[test]
    fn english_phrases_are_english() {
        let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let c = &EN.common;
        for s in [
            c.search_placeholder,
            c.main_nav,
            c.interpretations,
            EN.catalog.empty_after,
            EN.item.in_force_now,
            EN.item.channel,
            EN.search.empty_before,
            EN.apply.intro_before,
            EN.apply.keep_after,
            EN.track.not_found,
            EN.error.check_before,
            c.skip_to_content,
            c.home,
            c.catalog,
            c.apply,
            c.previous,
            c.next,
            EN.home.latest,
            EN.catalog.heading,
            EN.item.publisher,
            EN.apply.heading,
            EN.apply.files_hint,
            EN.track.heading,
            EN.error.not_found_page,
            EN.error.apply_hint,
        ] {
            assert!(!chinese(s), "{s}");
            assert!(chinese(ZH.common.home) && chinese(ZH.track.heading));
        }
    }
}
