#!/usr/bin/env python3
"""Writes bench/RESULTS.md from the benchmark JSON files.

  python bench/report.py [--scale 10k,100k] [--out bench/RESULTS.md]

Reads, for each scale, bench/out/peers-<scale>.json (bench/peers.py) and
bench/out/gongkai-<scale>.json (the Rust side, gongkai-bench); either may be
missing.  Both files have the same schema, "gongkai-bench/1":

{
  "schema": "gongkai-bench/1",
  "scale": "10k" | "100k" | "1m",
  "docs": 10000,                       # items indexed
  "raw_text_bytes": 30300000,          # UTF-8 bytes of the searchable text of all items
                                       # (title, doc_number, body_text, attachment_text joined by "\n")
  "corpus": "bench/out/corpus-10k.jsonl", "corpus_sha256": "...", "queries_sha256": "...",
  "started_at": "2026-11-29T00:40:00+00:00",
  "machine": {"cpu": "...", "cores": 2, "ram_gib": 23.4, "python": "3.11.2", "sqlite": "3.40.1",
              "postgres": "15.20 (...)", "xapian": "1.4.22", "jieba": "0.42.1", ...},   # all optional
  "method": {"reps": 5, "warmup": 1, "timer": "...", ...},                                 # free form
  "timings": {"segment_s": 14.0, "<engine>_s": 30.1, ...},                                 # wall time per stage
  "loadavg_at_start": [0.1, 0.2, 0.3],                                                     # optional; engines may
                                                                                           # carry "loadavg_after"
  "engines": [
    {
      "engine": "sqlite_fts5" | "pg_tsvector" | "pg_trgm" | "xapian" | "gongkai",
      "version": "free text",
      "index": {
        "build_s": 1.8,                # engine build time (excluding shared segmentation)
        "segment_s": 14.0,             # shared pre-segmentation counted for this engine (0 if none)
        "total_s": 15.8,               # build_s + segment_s
        "docs_per_s": 635.9,           # docs / total_s
        "mb_per_s": 1.93,              # raw_text_bytes / 1e6 / total_s
        "size_bytes": 22728704,        # index (and whatever the engine stores) on disk
        "size_ratio": 0.75             # size_bytes / raw_text_bytes
      },
      "classes": {                     # one entry per query class of queries.json:
                                       # two_char multi_word phrase frequent filtered date_sorted deep_page
        "two_char": {
          "n_queries": 20, "n_samples": 100,
          "p50_ms": 0.5, "p95_ms": 1.7, "p99_ms": 2.5, "mean_ms": 0.7, "max_ms": 3.0,
          "samples_ms": [0.51, ...],   # every timed run (top ids + exact total), in ms
          "queries": [{"q": "农民", "hits": 2234, "top": ["b-0000012", ...], "median_ms": 0.4, "reps": 5}]
        }, ...
      },
      "needles": {"n": 50, "expected": 110, "found": 110, "recall": 1.0, "exact_sets": 50,
                  "extra_hits": 0, "missed": [{"q": "...", "expected": 3, "found": 1}]}
    }
  ]
}

RESULTS.md gets: machine info, an indexing table, one latency table per query
class with the ratio peer_p95 / gongkai_p95 (> 1: gongkai is faster), needle
recall, and hit counts compared with pg_trgm's (plain substring matching, the
reference for "contains the query string").
"""
import argparse
import datetime as dt
import json
import os
import platform
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
CLASSES = ["two_char", "multi_word", "phrase", "frequent", "filtered", "date_sorted", "deep_page"]
CLASS_DOC = {
    "two_char": "one frequent-ish 2-character word",
    "multi_word": "2–3 words, all required",
    "phrase": "an exact phrase of 4–8 characters",
    "frequent": "a word in more than 10% of the items",
    "filtered": "a word, one body code and a range of years",
    "date_sorted": "a word, newest first",
    "deep_page": "a frequent word, page 500 (offset 4990, 10 per page)",
}


def load(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def f(v, nd=1):
    if v is None:
        return "–"
    if isinstance(v, (int,)) and not isinstance(v, bool):
        return f"{v:,}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.{max(nd, 2)}f}"


def live_machine():
    m = {"python_report": platform.python_version()}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                m["cpu"] = line.split(":", 1)[1].strip()
        m["cores"] = os.cpu_count()
        with open("/proc/meminfo") as fh:
            m["ram_gib"] = round(int(fh.readline().split()[1]) / 2 ** 20, 1)
    except OSError:
        pass
    return m


def section(scale, peers, gk):
    L = []
    engines = (peers or {}).get("engines", []) + (gk or {}).get("engines", [])
    base = peers or gk
    L.append(f"## Scale {scale}: {base['docs']:,} items, {base['raw_text_bytes'] / 1e6:.1f} MB of searchable text\n")
    srcs = []
    for name, d in (("peers", peers), ("gongkai", gk)):
        if d:
            srcs.append(f"{name}: started {d.get('started_at', '?')}, corpus sha256 `{(d.get('corpus_sha256') or '?')[:16]}…`, "
                        f"queries sha256 `{(d.get('queries_sha256') or '?')[:16]}…`")
    for key, what in (("corpus_sha256", "corpus"), ("queries_sha256", "query")):
        a, b = (peers or {}).get(key), (gk or {}).get(key)
        if a and b and a != b:
            srcs.append(f"**warning: the two runs used different {what} files**")
        elif peers and gk and not (a and b):
            srcs.append(f"({what} file hashes not recorded by both runs: not checked)")
    if not gk:
        srcs.append(f"no `bench/out/gongkai-{scale}.json` yet: peers only")
    L += [f"- {s}" for s in srcs]
    if peers and peers.get("timings"):
        L.append("- stage wall times (peers): " + ", ".join(f"{k} {v:.1f}s" for k, v in peers["timings"].items()))
    if peers and peers.get("loadavg_at_start"):
        la = [f"start {peers['loadavg_at_start'][0]}"] + [f"after {e['engine']} {e['loadavg_after'][0]}"
                                                        for e in peers["engines"] if e.get("loadavg_after")]
        L.append("- 1-minute load average during the peers run (2 cores; > 1 means something else competed): " + ", ".join(la))
    if peers and peers.get("segmentation"):
        s = peers["segmentation"]
        L.append(f"- segmentation for the peers: {s.get('tool')} {s.get('mode', '')}, {s.get('processes')} processes, "
                 f"{s.get('seconds')} s (counted in each segmented engine's indexing time)")
    L.append("")
    L.append("### Indexing\n")
    L.append("| engine | build s | + segmentation s | docs/s | MB/s | size MB | size ÷ raw text |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    for e in engines:
        ix = e.get("index", {})
        L.append(f"| {e['engine']} | {f(ix.get('build_s'))} | {f(ix.get('segment_s'))} | {f(ix.get('docs_per_s'))} | "
                 f"{f(ix.get('mb_per_s'))} | {f(ix.get('size_bytes', 0) / 1e6)} | {f(ix.get('size_ratio'))} |")
    L.append("")
    gke = next((e for e in engines if e["engine"] == "gongkai"), None)
    L.append("### Query latency (ms; top 10 ids with the exact total)\n")
    L.append("Ratio = peer p95 ÷ p95 of the engine named `gongkai` (> 1: gongkai is faster); "
             "none for gongkai's own rows. Threads per query: gongkai walks its segments side by side "
             "(`threads_per_query` under Engine versions and settings: one segment per core from 80,000 "
             "items); SQLite FTS5 and Xapian answer on one thread; PostgreSQL may add parallel workers "
             "(`max_parallel_workers_per_gather`).\n")
    for cls in CLASSES:
        if not any(cls in e.get("classes", {}) for e in engines):
            continue
        L.append(f"#### {cls}: {CLASS_DOC[cls]}\n")
        L.append("| engine | p50 | p95 | p99 | samples | total hits (sum) | ratio p95 |")
        L.append("|---|---:|---:|---:|---:|---:|---:|")
        g95 = gke["classes"].get(cls, {}).get("p95_ms") if gke else None
        for e in engines:
            c = e.get("classes", {}).get(cls)
            if not c:
                continue
            hits = sum(q.get("hits") or 0 for q in c.get("queries", []))
            qs = c.get("queries", [])
            skipped = sum(1 for q in qs if q.get("skipped"))
            samples = f"{c.get('n_samples', '–')}" + (f" ({len(qs) - skipped} of {len(qs)} queries: time budget)" if skipped else "")
            is_gk = e["engine"].startswith("gongkai")
            ratio = (c["p95_ms"] / g95) if (g95 and c.get("p95_ms") is not None and not is_gk) else None
            L.append(f"| {e['engine']} | {f(c.get('p50_ms'))} | {f(c.get('p95_ms'))} | {f(c.get('p99_ms'))} | "
                     f"{samples} | {f(hits)} | {f(ratio) if ratio else '–'} |")
        L.append("")
    L.append("### Needles (planted rare terms and document numbers, queried as exact phrases)\n")
    L.append("| engine | needles | expected items | found | recall | exact result sets | extra hits |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    for e in engines:
        n = e.get("needles")
        if n:
            L.append(f"| {e['engine']} | {n['n']} | {n['expected']} | {n['found']} | {f(n['recall'], 3)} | "
                     f"{n['exact_sets']} | {n['extra_hits']} |")
    L.append("")
    ref = next((e for e in engines if e["engine"] == "pg_trgm"), None)
    if ref:
        L.append("### Hits compared with plain substring matching\n")
        L.append("Sum of total hits per class ÷ pg_trgm's (ILIKE '%word%' for every word: every item that contains "
                 "the strings). Word-segmented engines find fewer items: a word that jieba keeps inside a longer "
                 "word (公安 in 公安局) is not a term of its own.\n")
        L.append("| engine | " + " | ".join(CLASSES) + " |")
        L.append("|---|" + "---:|" * len(CLASSES))
        for e in engines:
            row = []
            for cls in CLASSES:
                a = {q["q"]: q.get("hits") for q in e.get("classes", {}).get(cls, {}).get("queries", [])}
                b = {q["q"]: q.get("hits") for q in ref.get("classes", {}).get(cls, {}).get("queries", [])}
                common = [k for k in a if k in b and a[k] is not None and b[k] is not None]
                sa = sum(a[k] for k in common)
                sb = sum(b[k] for k in common)
                row.append(f(sa / sb, 3) if sb else "–")
            L.append(f"| {e['engine']} | " + " | ".join(row) + " |")
        L.append("")
    notes = [(e["engine"], e.get("version"), e.get("settings")) for e in engines]
    L.append("### Engine versions and settings\n")
    for name, ver, st in notes:
        L.append(f"- **{name}**: {ver or '?'}" + (f"; settings {json.dumps(st, ensure_ascii=False)}" if st else ""))
    L.append("")
    return L


def portal_section(scale, p):
    """Portal and import figures from bench/portal.sh (schema "gongkai-portal/1")."""
    L = [f"## Portal and import at {scale}", ""]
    L.append(f"`bench/portal.sh`: wrk on loopback, {p['seconds_per_run']} s per run; the ceiling is the same HTML "
             "bytes served from memory by `gongkai-bench static` on the same axum/tokio stack. "
             "RSS is the server's VmRSS after the run; anon is its anonymous part (RssAnon: heap and stacks), the rest being "
             "mapped files, chiefly the search index, which the kernel can drop and read again. `sqlite`/`postgres` is the server as deployed: "
             "anonymous public pages come from its page cache (served while no content changed, at most 2 s); "
             "`*-uncached` is the same server started with `--no-page-cache`, every request rendered from "
             "the database and the index.\n")
    L.append("| database | items imported | import items/s | reindex items | reindex s |")
    L.append("|---|---|---|---|---|")
    for db, i in p["import"].items():
        L.append(f"| {db} | {i['items']} | {f(i['items_per_s'], 0)} | {i['reindex_items']} | {f(i['reindex_s'])} |")
    L.append("")
    runs = {(r["page"], r["concurrency"]): r for r in p["runs"]}
    L.append("| server | page | c | req/s | p50 ms | p99 ms | % of ceiling | RSS MiB | anon MiB |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for server in ("sqlite", "sqlite-uncached", "postgres", "postgres-uncached", "static"):
        for page in ("home", "item", "catalog", "search"):
            for c in (1, 8, 32):
                r = runs.get((f"{server}:{page}", c))
                if not r:
                    continue
                ceil = runs.get((f"static:{page}", c))
                pct = f(100 * r["rps"] / ceil["rps"], 0) if ceil and server != "static" else ""
                mem = r.get("rss_mib") or {}
                rss = f(mem.get("VmRSS", 0), 0)
                anon = f(mem["RssAnon"], 0) if "RssAnon" in mem else "–"
                L.append(f"| {server} | {page} | {c} | {f(r['rps'], 0)} | {f(r['p50_ms'], 2)} | {f(r['p99_ms'], 2)} | {pct} | {rss} | {anon} |")
    L.append("")
    return L


def patho_section(p):
    L = ["## Pathological inputs", "", "`gongkai-bench patho`: one document each, indexed alone; linear time shows as a "
         "constant ns/byte within each family.\n", "| file | bytes | seconds | ns/byte |", "|---|---|---|---|"]
    for r in p["pathological"]:
        L.append(f"| {r['file']} | {r['bytes']} | {f(r['seconds'], 3)} | {f(r['ns_per_byte'], 0)} |")
    L.append("")
    return L


def main():
    ap = argparse.ArgumentParser(description="write bench/RESULTS.md")
    ap.add_argument("--scale", default="10k,100k,1m", help="comma-separated scales to include (missing ones skipped)")
    ap.add_argument("--dir", default=os.path.join(HERE, "out"))
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    a = ap.parse_args()
    L = ["# gongkai search benchmark: results", "",
         f"Written by `bench/report.py` on {dt.date.today().isoformat()} from `bench/out/peers-<scale>.json` and "
         "`bench/out/gongkai-<scale>.json`. Corpus, queries and method: `bench/README.md`.", ""]
    machine, data = None, []
    for scale in [s for s in a.scale.split(",") if s]:
        peers = load(os.path.join(a.dir, f"peers-{scale}.json"))
        gk = load(os.path.join(a.dir, f"gongkai-{scale}.json"))
        if peers or gk:
            data.append((scale, peers, gk))
            machine = machine or (peers or gk).get("machine")
    m = dict(live_machine())
    m.update(machine or {})
    L.append("## Machine\n")
    for k in ("cpu", "cores", "ram_gib", "platform", "python", "sqlite", "postgres", "psycopg", "xapian", "jieba"):
        if k in m:
            L.append(f"- {k}: {m[k]}")
    for _, p, g in data:
        if g and g.get("machine"):
            L.append("- gongkai run: " + ", ".join(f"{k} {v}" for k, v in g["machine"].items()))
            break
    L.append("")
    if not data:
        L.append("No result files found.")
    for scale, peers, gk in data:
        L += section(scale, peers, gk)
    for scale in [s for s in a.scale.split(",") if s]:
        portal = load(os.path.join(a.dir, f"portal-{scale}.json"))
        if portal:
            L += portal_section(scale, portal)
    patho = load(os.path.join(a.dir, "patho.json"))
    if patho:
        L += patho_section(patho)
    with open(a.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L) + "\n")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
