#!/usr/bin/env python3
"""Peer search engines run on the same corpus and queries as gongkai (issue "Benchmarks").

  python bench/peers.py --corpus bench/out/corpus-10k.jsonl --queries bench/out/queries.json \
      --needles bench/out/needles-10k.json --out bench/out/peers-10k.json

Engines (all in-process, each built, measured and torn down in turn):
  sqlite_fts5  SQLite FTS5 (Python's sqlite3), text pre-segmented with jieba
               (space-joined words), ranked with bm25()
  pg_tsvector  PostgreSQL: stored tsvector = to_tsvector('simple', segmented
               text) + GIN index, ranked with ts_rank
  pg_trgm      PostgreSQL: pg_trgm GIN index on the raw text, ILIKE '%w%' for
               every word, ordered by published_on desc
  xapian       Xapian (Debian's python3-xapian), jieba-segmented text,
               TermGenerator, BM25

Searchable text of an item = title, doc_number, body_text, attachment_text (as
in corpus.py).  Segmentation (jieba, accurate mode) is done once, in --jobs
processes, and shared by sqlite_fts5, pg_tsvector and xapian; its time is
reported apart and included in their docs/s.  Query words are segmented the
same way; a word that jieba splits into several tokens becomes a phrase of
those tokens; words of a query are ANDed.  Query segmentation is outside the
timed call: time.perf_counter_ns() brackets only the engine call(s) that
return the top ids AND the exact total hit count.

Every query is run once to warm up, then --reps times (fewer for slow
queries: a query whose warm-up took > --slow-ms is repeated --slow-reps
times); all samples are kept.  The output schema is documented in
bench/report.py.
"""
import argparse
import datetime as dt
import hashlib
import json
import math
import multiprocessing as mp
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ENGINES = ("sqlite_fts5", "pg_tsvector", "pg_trgm", "xapian")
PG_URL = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
PG_DB = "gongkai_bench"
NEEDLE_LIMIT = 1000
_WORD = re.compile(r"\w", re.UNICODE)


# ---------------------------------------------------------------------------
# corpus, segmentation
# ---------------------------------------------------------------------------
def searchable(it):
    return "\n".join([it["title"], it["doc_number"] or "", it["body_text"], it.get("attachment_text", "")])


def _seg_init():
    import jieba
    jieba.setLogLevel(60)
    jieba.initialize()


def tokens(text):
    import jieba
    return [t.lower() for t in jieba.cut(text) if _WORD.search(t)]


def _seg_line(line):
    it = json.loads(line)
    return json.dumps([" ".join(tokens(it["title"])),
                       " ".join(tokens("\n".join([it["doc_number"] or "", it["body_text"],
                                                  it.get("attachment_text", "")])))],
                      ensure_ascii=False)


def _seg_chunk(lines):
    return [_seg_line(line) for line in lines]


def segment(corpus, seg_path, jobs, chunk=256):
    """Writes one JSON line [seg_title, seg_rest] per item; returns seconds."""
    t0 = time.perf_counter()
    tmp = seg_path + ".tmp"
    with open(corpus, encoding="utf-8") as f, open(tmp, "w", encoding="utf-8") as out:
        if jobs > 1:
            # An executor, not a Pool: a worker killed (say, out of memory) raises here instead
            # of leaving the map waiting for ever. Chunks are submitted a few ahead, in order,
            # so that a 1M corpus never sits in memory.
            ctx = mp.get_context("fork")
            with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_seg_init) as pool:
                pending = deque()
                try:
                    for lines in iter(lambda: list(islice(f, chunk)), []):
                        pending.append(pool.submit(_seg_chunk, lines))
                        if len(pending) > 2 * jobs:
                            out.writelines(s + "\n" for s in pending.popleft().result())
                    while pending:
                        out.writelines(s + "\n" for s in pending.popleft().result())
                except BaseException:
                    # A failed chunk or Ctrl-C: the chunks not started are not waited for.
                    pool.shutdown(cancel_futures=True)
                    raise
        else:
            _seg_init()
            for line in f:
                out.write(_seg_line(line) + "\n")
    os.replace(tmp, seg_path)
    return time.perf_counter() - t0


def read_meta(corpus):
    """refs, bodies, published dates, raw searchable bytes (ids are 1-based line numbers)."""
    refs, bodies, pubs, raw = [], [], [], 0
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            it = json.loads(line)
            refs.append(it["ref"])
            bodies.append(it["body"])
            pubs.append(it["published_on"])
            raw += len(searchable(it).encode("utf-8"))
    return refs, bodies, pubs, raw


def iter_docs(corpus, seg_path, lo=1, hi=None):
    """(id, item, seg_title, seg_rest) in corpus order, for the ids lo <= id < hi."""
    with open(corpus, encoding="utf-8") as f, open(seg_path, encoding="utf-8") as g:
        for i, (line, sline) in enumerate(zip(f, g), start=1):
            if hi is not None and i >= hi:
                return
            if i < lo:
                continue
            st, sr = json.loads(sline)
            yield i, json.loads(line), st, sr


# ---------------------------------------------------------------------------
# query model shared by the engines
# ---------------------------------------------------------------------------
class Q:
    """A query with its words pre-segmented: words = [[tok, ...], ...] (AND of phrases)."""

    def __init__(self, cls, spec, phrase=False):
        self.cls = cls
        self.spec = spec
        self.text = spec["q"]
        raw_words = [self.text] if phrase else self.text.split()
        self.raw_words = raw_words
        self.words = [w for w in (tokens(x) for x in raw_words) if w]
        self.body = spec.get("body")
        self.dfrom = f"{spec['year_from']}-01-01" if spec.get("year_from") else None
        self.dto = f"{spec['year_to']}-12-31" if spec.get("year_to") else None
        self.by_date = spec.get("sort") == "published_on_desc"
        self.offset = spec.get("offset", 0)
        self.limit = spec.get("limit", 10)


def load_queries(path):
    qs = json.load(open(path, encoding="utf-8"))
    out = {}
    for cls, lst in qs["classes"].items():
        out[cls] = [Q(cls, s, phrase=(cls == "phrase")) for s in lst]
    return out


def pct(xs, p):
    if not xs:
        return None
    s = sorted(xs)
    k = (len(s) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# ---------------------------------------------------------------------------
# engines: build(docs) -> size, search(Q) -> (ids, total)
# ---------------------------------------------------------------------------
class Fts5:
    name = "sqlite_fts5"
    segmented = True

    def __init__(self, workdir):
        self.path = os.path.join(workdir, "fts5.db")

    def version(self):
        return f"SQLite {sqlite3.sqlite_version} FTS5 (unicode61 tokenizer on jieba-segmented text, contentless)"

    def build(self, docs):
        if os.path.exists(self.path):
            os.remove(self.path)
        c = sqlite3.connect(self.path)
        self.c = c
        c.execute("PRAGMA journal_mode=OFF")
        c.execute("PRAGMA synchronous=OFF")
        c.execute("PRAGMA cache_size=-262144")
        c.execute("CREATE TABLE meta(id INTEGER PRIMARY KEY, body TEXT NOT NULL, published_on TEXT NOT NULL)")
        c.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 0')")
        c.execute("BEGIN")
        batch_m, batch_f = [], []
        for i, it, st, sr in docs:
            batch_m.append((i, it["body"], it["published_on"]))
            batch_f.append((i, st, sr))
            if len(batch_f) >= 2000:
                c.executemany("INSERT INTO meta VALUES (?,?,?)", batch_m)
                c.executemany("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)", batch_f)
                batch_m, batch_f = [], []
        c.executemany("INSERT INTO meta VALUES (?,?,?)", batch_m)
        c.executemany("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)", batch_f)
        c.execute("CREATE INDEX meta_body_pub ON meta(body, published_on)")
        c.execute("CREATE INDEX meta_pub ON meta(published_on)")
        c.execute("COMMIT")
        c.execute("INSERT INTO fts(fts) VALUES('optimize')")
        c.execute("PRAGMA journal_mode=DELETE")
        c.close()
        self.c = sqlite3.connect(self.path)
        self.c.execute("PRAGMA cache_size=-262144")
        return {"size_bytes": os.path.getsize(self.path)}

    @staticmethod
    def match(q):
        parts = []
        for w in q.words:
            parts.append('"' + " ".join(t.replace('"', '""') for t in w) + '"')
        return " AND ".join(parts)

    def search(self, q):
        m = self.match(q)
        c = self.c
        if q.body:
            where = "fts MATCH ? AND m.body = ? AND m.published_on BETWEEN ? AND ?"
            args = (m, q.body, q.dfrom, q.dto)
            total = c.execute(f"SELECT count(*) FROM fts JOIN meta m ON m.id = fts.rowid WHERE {where}", args).fetchone()[0]
            order = "m.published_on DESC, m.id DESC" if q.by_date else "bm25(fts)"
            ids = c.execute(f"SELECT fts.rowid FROM fts JOIN meta m ON m.id = fts.rowid WHERE {where} ORDER BY {order} "
                            "LIMIT ? OFFSET ?", args + (q.limit, q.offset)).fetchall()
        else:
            total = c.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (m,)).fetchone()[0]
            if q.by_date:
                ids = c.execute("SELECT m.id FROM fts JOIN meta m ON m.id = fts.rowid WHERE fts MATCH ? "
                                "ORDER BY m.published_on DESC, m.id DESC LIMIT ? OFFSET ?", (m, q.limit, q.offset)).fetchall()
            else:
                ids = c.execute("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
                                (m, q.limit, q.offset)).fetchall()
        return [r[0] for r in ids], total

    def close(self):
        self.c.close()


class PgBase:
    segmented = False

    def __init__(self, workdir):
        import psycopg
        self.psycopg = psycopg

    def admin(self):
        return self.psycopg.connect(PG_URL + "/postgres", autocommit=True)

    def create_db(self):
        with self.admin() as a:
            a.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            a.execute(f"CREATE DATABASE {PG_DB} TEMPLATE template0 ENCODING 'UTF8' "
                      "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
        self.c = self.psycopg.connect(PG_URL + "/" + PG_DB, autocommit=True)
        self.c.execute("SET maintenance_work_mem = '1GB'")
        self.c.execute("SET jit = off")

    def version(self):
        with self.admin() as a:
            return a.execute("SHOW server_version").fetchone()[0]

    def settings(self):
        return {k: self.c.execute(f"SHOW {k}").fetchone()[0] for k in
                ("shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather", "effective_cache_size")}

    window_count = False

    def page(self, where, args, order, q):
        """The page and the exact total.  window_count: one statement (count(*) OVER ()
        is computed before LIMIT; a separate count(*) only when the page is empty) --
        better when every query is a scan anyway (pg_trgm); else count(*) + page query,
        which lets the planner stop early on ORDER BY published_on (pg_tsvector)."""
        cargs = args[:-1] if "%s" in order else args      # without the ORDER BY parameter
        if not self.window_count:
            total = self.c.execute(f"SELECT count(*) FROM docs WHERE {where}", cargs).fetchone()[0]
            rows = self.c.execute(f"SELECT id FROM docs WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
                                  args + [q.limit, q.offset]).fetchall()
            return [r[0] for r in rows], total
        rows = self.c.execute(f"SELECT id, count(*) OVER () FROM docs WHERE {where} ORDER BY {order} "
                              "LIMIT %s OFFSET %s", args + [q.limit, q.offset]).fetchall()
        if rows:
            return [r[0] for r in rows], rows[0][1]
        return [], self.c.execute(f"SELECT count(*) FROM docs WHERE {where}", cargs).fetchone()[0]

    def rel_size(self, table):
        total, idx = self.c.execute("SELECT pg_total_relation_size(%s), pg_indexes_size(%s)", (table, table)).fetchone()
        return {"size_bytes": total, "index_bytes": idx}

    def close(self):
        self.c.close()
        if not KEEP:
            with self.admin() as a:
                a.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


class PgTsvector(PgBase):
    name = "pg_tsvector"
    segmented = True

    def version(self):
        return f"PostgreSQL {super().version()} tsvector('simple') on jieba-segmented text + GIN, ts_rank"

    def build(self, docs):
        self.create_db()
        c = self.c
        c.execute("CREATE UNLOGGED TABLE stage(id int, body text, published_on date, seg text)")
        with c.cursor().copy("COPY stage (id, body, published_on, seg) FROM STDIN") as cp:
            for i, it, st, sr in docs:
                cp.write_row((i, it["body"], it["published_on"], st + " " + sr))
        c.execute("CREATE TABLE docs(id int PRIMARY KEY, body text NOT NULL, published_on date NOT NULL, tsv tsvector NOT NULL)")
        c.execute("INSERT INTO docs SELECT id, body, published_on, to_tsvector('simple', seg) FROM stage")
        c.execute("DROP TABLE stage")
        c.execute("CREATE INDEX docs_tsv ON docs USING gin (tsv)")
        c.execute("CREATE INDEX docs_body_pub ON docs (body, published_on)")
        c.execute("CREATE INDEX docs_pub ON docs (published_on)")
        c.execute("VACUUM ANALYZE docs")
        return self.rel_size("docs")

    @staticmethod
    def tsquery(q):
        def lex(t):
            return "'" + t.replace("\\", "\\\\").replace("'", "''") + "'"
        return " & ".join("(" + " <-> ".join(lex(t) for t in w) + ")" for w in q.words)

    def search(self, q):
        tq = self.tsquery(q)
        where, args = "tsv @@ %s::tsquery", [tq]
        if q.body:
            where += " AND body = %s AND published_on BETWEEN %s AND %s"
            args += [q.body, q.dfrom, q.dto]
        order = "published_on DESC, id DESC" if q.by_date else "ts_rank(tsv, %s::tsquery) DESC, id"
        return self.page(where, args + ([] if q.by_date else [tq]), order, q)


class PgTrgm(PgBase):
    name = "pg_trgm"
    window_count = True

    def version(self):
        return f"PostgreSQL {super().version()} pg_trgm GIN on raw text, ILIKE per word, published_on desc"

    def build(self, docs):
        self.create_db()
        c = self.c
        c.execute("CREATE EXTENSION pg_trgm")
        c.execute("CREATE TABLE docs(id int PRIMARY KEY, body text NOT NULL, published_on date NOT NULL, doc text NOT NULL)")
        with c.cursor().copy("COPY docs (id, body, published_on, doc) FROM STDIN") as cp:
            for i, it, _, _ in docs:
                cp.write_row((i, it["body"], it["published_on"], searchable(it)))
        c.execute("CREATE INDEX docs_trgm ON docs USING gin (doc gin_trgm_ops)")
        c.execute("CREATE INDEX docs_body_pub ON docs (body, published_on)")
        c.execute("CREATE INDEX docs_pub ON docs (published_on)")
        c.execute("VACUUM ANALYZE docs")
        return self.rel_size("docs")

    def search(self, q):
        def pat(w):
            return "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        words = q.raw_words
        where = " AND ".join(["doc ILIKE %s"] * len(words))
        args = [pat(w) for w in words]
        if q.body:
            where += " AND body = %s AND published_on BETWEEN %s AND %s"
            args += [q.body, q.dfrom, q.dto]
        return self.page(where, args, "published_on DESC, id DESC", q)


class Xapian:
    name = "xapian"
    segmented = True

    # A bulk load keeps this many documents in memory between flushes (Xapian's default is
    # 10,000): the setting a bulk indexer would use, read by Xapian when the database opens.
    # At 100k it made the build slower (319 s; 196 s with the default in an earlier run on a
    # slower machine), but the compacted database answered 2-2.4x faster than one flushed every
    # 10,000 documents: the stronger peer is kept. At 1M each shard's process holds 200,000
    # documents' postings in memory (a few GB each; the 1M tier runs without peers by default).
    FLUSH_THRESHOLD = "200000"

    def __init__(self, workdir):
        os.environ.setdefault("XAPIAN_FLUSH_THRESHOLD", self.FLUSH_THRESHOLD)
        self.shards = 1
        import xapian
        self.x = xapian
        self.path = os.path.join(workdir, "xapian")

    def version(self):
        return (f"Xapian {self.x.version_string()} TermGenerator on jieba-segmented text, BM25Weight, "
                f"built as {self.shards} shards in {self.shards} processes and compacted into one, "
                f"XAPIAN_FLUSH_THRESHOLD={os.environ['XAPIAN_FLUSH_THRESHOLD']}")

    def build_sharded(self, corpus, seg_path, n, jobs):
        """Builds `jobs` shards of consecutive ids side by side, one process each (the way a
        bulk load uses several cores with Xapian, which writes a database from one thread),
        then compacts them into one database, keeping the ids (xapian-compact --no-renumber).
        The compaction is counted in the build time: bulk-built databases are compacted in
        practice, and it makes them answer faster."""
        x = self.x
        jobs = max(1, jobs)
        self.shards = jobs
        bounds = [1 + k * n // jobs for k in range(jobs + 1)]
        paths = [f"{self.path}-shard{k}" for k in range(jobs)]
        for p in paths + [self.path]:
            shutil.rmtree(p, ignore_errors=True)
        tasks = [(paths[k], corpus, seg_path, bounds[k], bounds[k + 1]) for k in range(jobs)]
        # An executor, not a Pool: a worker killed (say, out of memory) raises here instead of
        # leaving the map waiting for ever.
        with ProcessPoolExecutor(jobs, mp_context=mp.get_context("fork")) as pool:
            list(pool.map(_xapian_shard, tasks))
        raw_size = sum(dir_size(p) for p in paths)
        shards = x.Database()
        for p in paths:
            shards.add_database(x.Database(p))
        shards.compact(self.path, x.DBCOMPACT_NO_RENUMBER)
        shards.close()
        for p in paths:
            shutil.rmtree(p)
        self.db = x.Database(self.path)
        self.n = self.db.get_doccount()
        return {"size_bytes": dir_size(self.path), "uncompacted_bytes": raw_size}

    def query(self, q):
        x = self.x
        parts = [x.Query(w[0]) if len(w) == 1 else x.Query(x.Query.OP_PHRASE, [x.Query(t) for t in w], len(w))
                 for w in q.words]
        qq = parts[0] if len(parts) == 1 else x.Query(x.Query.OP_AND, parts)
        if q.body:
            f = x.Query(x.Query.OP_AND, [x.Query("B" + q.body), x.Query(x.Query.OP_VALUE_RANGE, 0, q.dfrom, q.dto)])
            qq = x.Query(x.Query.OP_FILTER, qq, f)
        return qq

    def search(self, q):
        x = self.x
        e = x.Enquire(self.db)
        e.set_query(self.query(q))
        e.set_weighting_scheme(x.BM25Weight())
        if q.by_date:
            e.set_sort_by_value_then_relevance(0, True)
        m = e.get_mset(q.offset, q.limit, self.n)
        return [it.docid for it in m], m.get_matches_estimated()

    def close(self):
        self.db.close()


def _xapian_shard(task):
    """One shard of the Xapian build (a worker process): the items lo <= id < hi, at their ids."""
    import xapian as x
    path, corpus, seg_path, lo, hi = task
    db = x.WritableDatabase(path, x.DB_CREATE_OR_OVERWRITE)
    tg = x.TermGenerator()
    for i, it, st, sr in iter_docs(corpus, seg_path, lo, hi):
        d = x.Document()
        tg.set_document(d)
        tg.index_text(st)
        tg.increase_termpos()
        tg.index_text(sr)
        d.add_boolean_term("B" + it["body"])
        d.add_value(0, it["published_on"])
        db.replace_document(i, d)
    db.commit()
    db.close()


def dir_size(p):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(p) for f in fs)


# ---------------------------------------------------------------------------
def run_engine(E, args, corpus, seg_path, meta, queries, needles, seg_s):
    refs, bodies, pubs, raw = meta
    n = len(refs)
    eng = E(args.workdir)
    res = {"engine": eng.name, "notes": []}
    t0 = time.perf_counter()
    if hasattr(eng, "build_sharded"):
        info = eng.build_sharded(corpus, seg_path, n, args.jobs)
    else:
        info = eng.build(iter_docs(corpus, seg_path) if eng.segmented else
                         ((i, json.loads(l), None, None) for i, l in enumerate(open(corpus, encoding="utf-8"), start=1)))
    build_s = time.perf_counter() - t0
    res["version"] = eng.version()
    if hasattr(eng, "settings"):
        res["settings"] = eng.settings()
    total_s = build_s + (seg_s if eng.segmented else 0.0)
    res["index"] = {
        "build_s": round(build_s, 3),
        "segment_s": round(seg_s, 3) if eng.segmented else 0.0,
        "total_s": round(total_s, 3),
        "docs_per_s": round(n / total_s, 1),
        "mb_per_s": round(raw / 1e6 / total_s, 3),
        "docs_per_s_build_only": round(n / build_s, 1),
        "size_bytes": info["size_bytes"],
        "size_ratio": round(info["size_bytes"] / raw, 3),
        **{k: info[k] for k in ("index_bytes", "uncompacted_bytes") if k in info},
    }
    print(f"[{eng.name}] built in {build_s:.1f}s (+{res['index']['segment_s']}s segmentation), "
          f"size {info['size_bytes'] / 1e6:.1f} MB = {res['index']['size_ratio']}x raw", file=sys.stderr)
    # latency per class
    classes = {}
    tq = time.perf_counter()
    for q in queries["two_char"][:2] + queries["frequent"][:2]:     # warm the caches once
        if q.words:
            eng.search(q)
    for cls, qs in queries.items():
        samples, per = [], []
        tc = time.perf_counter()
        for q in qs:
            # A class that has taken its time budget stops after its first few queries (the
            # engines that need this are thousands of times slower; more samples change nothing).
            if len(per) >= args.min_queries and time.perf_counter() - tc > args.class_budget_s:
                per.append({"q": q.text, "skipped": "class time budget spent"})
                continue
            if not q.words and eng.segmented:
                per.append({"q": q.text, "error": "no tokens after segmentation"})
                continue
            t = time.perf_counter_ns()
            ids, total = eng.search(q)
            warm = (time.perf_counter_ns() - t) / 1e6
            reps = args.reps if warm <= args.slow_ms else args.slow_reps if warm <= args.very_slow_ms else 0
            mine = [] if reps else [warm]
            for _ in range(reps):
                t = time.perf_counter_ns()
                ids, total = eng.search(q)
                mine.append((time.perf_counter_ns() - t) / 1e6)
            samples += mine
            per.append({"q": q.text, "hits": total, "top": [refs[i - 1] for i in ids],
                        "median_ms": round(pct(mine, 50), 3), "reps": reps, **({"warmup_used": True} if not reps else {})})
        classes[cls] = summarize(samples, per)
        print(f"[{eng.name}] {cls:12s} p50 {classes[cls]['p50_ms']} p95 {classes[cls]['p95_ms']} "
              f"p99 {classes[cls]['p99_ms']} ms ({len(samples)} samples)", file=sys.stderr)
    res["query_s"] = round(time.perf_counter() - tq, 2)
    res["classes"] = classes
    # needles
    found_total = exp_total = exact = extra = 0
    missed = []
    for nd in needles:
        q = Q("needle", {"q": nd["q"]}, phrase=True)
        q.limit = NEEDLE_LIMIT
        ids, total = eng.search(q) if q.words else ([], 0)
        got = {refs[i - 1] for i in ids}
        exp = set(nd["expected"])
        hit = len(got & exp)
        found_total += hit
        exp_total += len(exp)
        extra += len(got - exp)
        if got == exp:
            exact += 1
        if hit < len(exp):
            missed.append({"q": nd["q"], "expected": len(exp), "found": hit, "segmented": [" ".join(w) for w in q.words]})
    res["needles"] = {"n": len(needles), "expected": exp_total, "found": found_total,
                      "recall": round(found_total / exp_total, 4) if exp_total else None,
                      "exact_sets": exact, "extra_hits": extra, "missed": missed}
    print(f"[{eng.name}] needles: recall {res['needles']['recall']}, exact sets {exact}/{len(needles)}, "
          f"extra hits {extra}", file=sys.stderr)
    eng.close()
    return res


def summarize(samples, per):
    r = lambda v: None if v is None else round(v, 3)
    return {"n_queries": len(per), "n_samples": len(samples), "p50_ms": r(pct(samples, 50)), "p95_ms": r(pct(samples, 95)),
            "p99_ms": r(pct(samples, 99)), "mean_ms": r(sum(samples) / len(samples)) if samples else None,
            "max_ms": r(max(samples)) if samples else None, "samples_ms": [round(s, 4) for s in samples], "queries": per}


def machine():
    info = {"python": platform.python_version(), "platform": platform.platform(), "cores": os.cpu_count()}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                info["cpu"] = line.split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            info["ram_gib"] = round(int(f.readline().split()[1]) / 2 ** 20, 1)
    except OSError:
        pass
    info["sqlite"] = sqlite3.sqlite_version
    try:
        import jieba
        info["jieba"] = jieba.__version__
    except Exception:
        pass
    try:
        import xapian
        info["xapian"] = xapian.version_string()
    except Exception:
        pass
    try:
        import psycopg
        with psycopg.connect(PG_URL + "/postgres") as c:
            info["postgres"] = c.execute("SHOW server_version").fetchone()[0]
        info["psycopg"] = psycopg.__version__
    except Exception:
        pass
    return info


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


KEEP = False


def main():
    global KEEP
    ap = argparse.ArgumentParser(description="peer engines on the gongkai benchmark corpus")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--queries", default=os.path.join(HERE, "out", "queries.json"))
    ap.add_argument("--needles", help="default: needles-<scale>.json next to the corpus")
    ap.add_argument("--out", help="default: peers-<scale>.json next to the corpus")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions per query after one warm-up")
    ap.add_argument("--slow-ms", type=float, default=300.0, help="warm-up time above which --slow-reps apply")
    ap.add_argument("--slow-reps", type=int, default=2)
    ap.add_argument("--very-slow-ms", type=float, default=1500.0,
                    help="warm-up time above which the warm-up run is the only sample")
    ap.add_argument("--class-budget-s", type=float, default=10.0,
                    help="seconds per engine and query class after which remaining queries are skipped")
    ap.add_argument("--min-queries", type=int, default=3,
                    help="queries measured per class before the time budget may stop it")
    ap.add_argument("--jobs", type=int, default=2,
                    help="processes for jieba segmentation and for Xapian's build (one shard each)")
    ap.add_argument("--workdir", help="index files (default bench/out/work-<scale>)")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL database and index files")
    args = ap.parse_args()
    KEEP = args.keep
    m = re.search(r"corpus-([^/]+)\.jsonl$", args.corpus)
    scale = m.group(1) if m else "custom"
    d = os.path.dirname(os.path.abspath(args.corpus))
    args.needles = args.needles or os.path.join(d, f"needles-{scale}.json")
    args.out = args.out or os.path.join(d, f"peers-{scale}.json")
    args.workdir = args.workdir or os.path.join(d, f"work-{scale}")
    os.makedirs(args.workdir, exist_ok=True)
    engines = [e for e in args.engines.split(",") if e]
    classes = {"sqlite_fts5": Fts5, "pg_tsvector": PgTsvector, "pg_trgm": PgTrgm, "xapian": Xapian}
    unknown = [e for e in engines if e not in classes]
    if unknown:
        sys.exit(f"unknown engine(s) {unknown}; known: {', '.join(ENGINES)}")
    if "sqlite_fts5" in engines:
        try:
            sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        except sqlite3.OperationalError as e:
            sys.exit(f"this Python's SQLite {sqlite3.sqlite_version} has no FTS5 ({e}); drop sqlite_fts5 from --engines")

    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    timings = {}
    t = time.perf_counter()
    meta = read_meta(args.corpus)
    timings["read_corpus_s"] = round(time.perf_counter() - t, 2)
    _seg_init()
    queries = load_queries(args.queries)
    needles = json.load(open(args.needles, encoding="utf-8"))
    seg_path = os.path.join(args.workdir, "segmented.jsonl")
    seg_s = 0.0
    if any(classes[e].segmented for e in engines):
        seg_s = segment(args.corpus, seg_path, args.jobs)
        timings["segment_s"] = round(seg_s, 2)
        print(f"segmented {len(meta[0])} items with jieba in {seg_s:.1f}s ({args.jobs} processes)", file=sys.stderr)
    out = {
        "schema": "gongkai-bench/1",
        "scale": scale,
        "docs": len(meta[0]),
        "raw_text_bytes": meta[3],
        "corpus": os.path.relpath(args.corpus, os.path.dirname(HERE)),
        "corpus_sha256": sha256(args.corpus),
        "queries_sha256": sha256(args.queries),
        "started_at": started,
        "machine": machine(),
        "segmentation": {"tool": "jieba", "mode": "accurate (jieba.cut, HMM on), lower-cased, punctuation dropped",
                         "processes": args.jobs, "seconds": round(seg_s, 3)},
        "method": {"reps": args.reps, "slow_ms": args.slow_ms, "slow_reps": args.slow_reps,
                   "class_budget_s": args.class_budget_s, "min_queries": args.min_queries,
                   "very_slow_ms": args.very_slow_ms, "warmup": 1,
                   "timer": "time.perf_counter_ns around the engine call(s) returning top ids + exact total"},
        "timings": timings,
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "engines": [],
    }
    for e in engines:
        t = time.perf_counter()
        res = run_engine(classes[e], args, args.corpus, seg_path, meta, queries, needles, seg_s)
        timings[e + "_s"] = round(time.perf_counter() - t, 2)
        res["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        out["engines"].append(res)
        with open(args.out, "w", encoding="utf-8") as f:      # write as we go
            json.dump(out, f, ensure_ascii=False, indent=1)
    if not args.keep:
        shutil.rmtree(args.workdir, ignore_errors=True)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
