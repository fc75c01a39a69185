//! gongkai-bench: the Rust side of `bench/run.sh`.
//!
//! * `search` indexes the benchmark corpus with gongkai's search index and runs the same query
//!   classes as `bench/peers.py`, writing `bench/out/gongkai-<scale>.json` in the shared
//!   `gongkai-bench/1` schema (documented at the top of `bench/report.py`).
//! * `patho` indexes pathological inputs of growing size and reports time per byte (linearity).
//! * `static` serves files' bytes from memory over the same axum/tokio stack as the portal: the
//!   ceiling a dynamic page is compared with.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use gongkai_search::{Analysis, Filters, SearchDoc, SearchIndex, SearchRequest, SortOrder};
use serde::Deserialize;
use serde_json::{Value, json};

// The allocator the `gongkai` binary uses, so that indexing and the ceiling server are
// measured as they run in the portal.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index the corpus and time the query classes.
    Search {
        #[arg(long)]
        corpus: PathBuf,
        #[arg(long)]
        queries: PathBuf,
        #[arg(long)]
        needles: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "10k")]
        scale: String,
        /// Timed runs per query (after one warm-up run).
        #[arg(long, default_value_t = 5)]
        reps: usize,
        /// Where to build the index (a temporary folder by default).
        #[arg(long)]
        index_dir: Option<PathBuf>,
    },
    /// Time the query classes on an index `search --index-dir` built before (for profiling
    /// the query path without indexing again); prints each class and each query's median.
    Query {
        #[arg(long)]
        index_dir: PathBuf,
        #[arg(long)]
        queries: PathBuf,
        /// Only this class (all when absent).
        #[arg(long)]
        class: Option<String>,
        #[arg(long, default_value_t = 20)]
        reps: usize,
        /// Time the search page's query (facets, snippets) instead of ids + count.
        #[arg(long)]
        page: bool,
        /// Also write the timings and each query's answer (total, top ids) here as JSON, to
        /// compare two builds or two layouts of the same index.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Index each file of a folder of pathological texts, timing each.
    Patho {
        dir: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Serve files from memory: `--page /path=FILE` (repeatable), as text/html.
    Static {
        #[arg(long)]
        addr: std::net::SocketAddr,
        #[arg(long = "page")]
        pages: Vec<String>,
    },
}

#[derive(Deserialize)]
struct Record {
    #[serde(rename = "ref")]
    key: String,
    body: String,
    title: String,
    doc_number: Option<String>,
    published_on: Option<String>,
    genre: String,
    topic: String,
    #[serde(default)]
    key_areas: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    validity: String,
    #[serde(default)]
    summary: String,
    body_text: String,
    #[serde(default)]
    attachment_text: Option<String>,
}

/// `b-0000123` → 123.
fn id_of(key: &str) -> i64 {
    key.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

fn doc_of(r: Record) -> (SearchDoc, usize) {
    let attachment_text = r.attachment_text.unwrap_or_default();
    let raw = r.title.len()
        + r.doc_number.as_deref().map_or(0, str::len)
        + r.body_text.len()
        + attachment_text.len()
        + 3;
    let doc = SearchDoc {
        id: id_of(&r.key),
        body_id: r.body.parse().unwrap_or(0),
        body_name: r.body.clone(),
        index_number: format!("{}/{}", r.body, r.key),
        published_on: r
            .published_on
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or_default(),
        title: r.title,
        summary: r.summary,
        body_text: r.body_text,
        attachment_text,
        keywords: r.keywords,
        doc_number: r.doc_number,
        topic: r.topic,
        key_areas: r.key_areas,
        genre: r.genre,
        validity: r.validity,
    };
    (doc, raw)
}

/// Peak resident memory of this process (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The file's sha256 in hex, so the report can check that gongkai and the peers read the same
/// corpus and queries.
fn sha256_of(path: &Path) -> Result<String> {
    use sha2::Digest;
    use std::io::Read;
    let mut file = std::fs::File::open(path).with_context(|| path.display().to_string())?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        dir_size(&p)
                    } else {
                        e.metadata().map_or(0, |m| m.len())
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn request(q: &Value, today: NaiveDate) -> SearchRequest {
    let limit = q["limit"].as_u64().unwrap_or(10).max(1) as usize;
    let offset = q["offset"].as_u64().unwrap_or(0) as usize;
    let mut text = q["q"].as_str().unwrap_or("").to_owned();
    if q["phrase"].as_bool().unwrap_or(false) {
        text = format!("\"{text}\"");
    }
    SearchRequest {
        q: text,
        filters: Filters {
            body_ids: q["body"]
                .as_str()
                .and_then(|b| b.parse().ok())
                .into_iter()
                .collect(),
            year_from: q["year_from"].as_i64().map(|y| y as i32),
            year_to: q["year_to"].as_i64().map(|y| y as i32),
            ..Filters::default()
        },
        sort: match q["sort"].as_str() {
            Some("published_on_desc") => SortOrder::Newest,
            _ => SortOrder::Relevance,
        },
        page: offset / limit + 1,
        per_page: limit,
        today,
    }
}

fn search_bench(
    corpus: &Path,
    queries: &Path,
    needles: &Path,
    out: &Path,
    scale: &str,
    reps: usize,
    index_dir: Option<PathBuf>,
) -> Result<()> {
    let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let (corpus_sha256, queries_sha256) = (sha256_of(corpus)?, sha256_of(queries)?);
    let tmp = tempfile::tempdir()?;
    let dir = index_dir.unwrap_or_else(|| tmp.path().join("index"));
    let index = SearchIndex::open(Some(&dir), Analysis::new("", None)?)?.for_bulk_indexing();
    let file = std::fs::File::open(corpus).with_context(|| corpus.display().to_string())?;
    let mut raw_bytes = 0usize;
    let mut docs = 0u64;
    let started = Instant::now();
    let reader = std::io::BufReader::new(file);
    let stream = reader
        .lines()
        .map_while(|l| l.ok())
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let r: Record = serde_json::from_str(&l).ok()?;
            let (doc, raw) = doc_of(r);
            raw_bytes += raw;
            docs += 1;
            Some(doc)
        });
    index.rebuild(stream, 0, &mut |n| {
        if n % 10_000 == 0 {
            eprintln!("[gongkai] indexed {n}");
        }
    })?;
    let build_s = started.elapsed().as_secs_f64();
    let size = dir_size(&dir);
    let rss_after_index = peak_rss_mib();
    eprintln!(
        "[gongkai] {docs} docs in {build_s:.1} s ({:.0} docs/s), index {:.1} MB",
        docs as f64 / build_s,
        size as f64 / 1e6
    );

    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
    let qs: Value = serde_json::from_str(&std::fs::read_to_string(queries)?)?;
    // "gongkai": ids of the page and the exact count, as the peers return them.
    let lean = time_classes(&qs, reps, today, "gongkai", &|req| {
        let (total, ids) = index.top_ids(req)?;
        Ok((total, ids))
    })?;
    // "gongkai_page": what the portal's search page needs: also facets over every match,
    // highlighted titles and snippets from the stored text.
    let page = time_classes(&qs, reps, today, "gongkai_page", &|req| {
        let r = index.search(req)?;
        Ok((r.total, r.hits.iter().map(|h| h.id).collect()))
    })?;

    let needle_list: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(needles)?)?;
    let (mut expected, mut found, mut exact, mut extra) = (0usize, 0usize, 0usize, 0usize);
    let mut missed = Vec::new();
    for n in &needle_list {
        let want: Vec<String> = n["expected"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let req = request(&json!({"q": n["q"], "phrase": true, "limit": 100}), today);
        let got: Vec<String> = index
            .search(&req)?
            .hits
            .iter()
            .map(|h| format!("b-{:07}", h.id))
            .collect();
        let hit = want.iter().filter(|w| got.contains(w)).count();
        expected += want.len();
        found += hit;
        extra += got.iter().filter(|g| !want.contains(g)).count();
        if hit == want.len() && got.len() == want.len() {
            exact += 1;
        } else if hit < want.len() {
            missed.push(json!({"q": n["q"], "expected": want.len(), "found": hit}));
        }
    }

    let index_json = json!({
        "build_s": build_s, "segment_s": 0.0, "total_s": build_s,
        "docs_per_s": docs as f64 / build_s,
        "mb_per_s": raw_bytes as f64 / 1e6 / build_s,
        "size_bytes": size,
        "size_ratio": size as f64 / raw_bytes.max(1) as f64,
        "peak_rss_mib": rss_after_index,
    });
    // A large index is walked on every core at once (one segment per core); the peers' settings
    // say what they use.
    let settings = json!({
        "segments": index.num_segments(),
        "threads_per_query": index
            .num_segments()
            .min(std::thread::available_parallelism().map_or(1, |n| n.get())),
    });
    let needles_json = json!({
        "n": needle_list.len(), "expected": expected, "found": found,
        "recall": found as f64 / expected.max(1) as f64,
        "exact_sets": exact, "extra_hits": extra, "missed": missed,
    });
    let report = json!({
        "schema": "gongkai-bench/1",
        "scale": scale,
        "docs": docs,
        "raw_text_bytes": raw_bytes,
        "corpus": corpus.display().to_string(),
        "corpus_sha256": corpus_sha256,
        "queries_sha256": queries_sha256,
        "started_at": started_at,
        "method": {"reps": reps, "warmup": 1, "timer": "std::time::Instant around SearchIndex::top_ids (gongkai: page ids + exact count) and SearchIndex::search (gongkai_page: + facets, highlighted titles, snippets)"},
        "timings": {"gongkai_s": build_s},
        "engines": [
            engine("gongkai", lean, &index_json, &needles_json, &settings),
            engine("gongkai_page", page, &index_json, &needles_json, &settings),
        ],
    });
    std::fs::write(out, serde_json::to_string_pretty(&report)?)?;
    eprintln!("[gongkai] wrote {}", out.display());
    Ok(())
}

fn query_bench(
    index_dir: &Path,
    queries: &Path,
    class: Option<&str>,
    reps: usize,
    page: bool,
    out: Option<&Path>,
) -> Result<()> {
    let index = SearchIndex::open(Some(index_dir), Analysis::new("", None)?)?;
    eprintln!(
        "{} items in {} segments",
        index.num_docs(),
        index.num_segments()
    );
    let mut qs: Value = serde_json::from_str(&std::fs::read_to_string(queries)?)?;
    if let (Some(only), Some(classes)) = (class, qs["classes"].as_object_mut()) {
        classes.retain(|name, _| name == only);
    }
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
    let timed = if page {
        time_classes(&qs, reps, today, "gongkai_page", &|req| {
            let r = index.search(req)?;
            Ok((r.total, r.hits.iter().map(|h| h.id).collect()))
        })?
    } else {
        time_classes(&qs, reps, today, "gongkai", &|req| Ok(index.top_ids(req)?))?
    };
    for (class, result) in timed.as_object().into_iter().flatten() {
        for q in result["queries"].as_array().into_iter().flatten() {
            eprintln!(
                "  {class} {:>8.2} ms  {:>7} hits  {}",
                q["median_ms"].as_f64().unwrap_or(0.0),
                q["hits"],
                q["q"].as_str().unwrap_or("")
            );
        }
    }
    if let Some(out) = out {
        std::fs::write(out, serde_json::to_string_pretty(&timed)?)?;
    }
    Ok(())
}

fn engine(name: &str, classes: Value, index: &Value, needles: &Value, settings: &Value) -> Value {
    json!({
        "engine": name,
        "version": format!("gongkai-search {} (tantivy 0.27, jieba-rs 0.11)", env!("CARGO_PKG_VERSION")),
        "settings": settings,
        "index": index,
        "classes": classes,
        "needles": needles,
    })
}

type Runner<'a> = dyn Fn(&SearchRequest) -> Result<(u64, Vec<i64>)> + 'a;

/// Times every query of every class: one warm-up run, then `reps` timed runs.
fn time_classes(
    qs: &Value,
    reps: usize,
    today: NaiveDate,
    name: &str,
    run: &Runner<'_>,
) -> Result<Value> {
    let mut classes = serde_json::Map::new();
    let empty = serde_json::Map::new();
    for (class, list) in qs["classes"].as_object().unwrap_or(&empty) {
        let mut samples = Vec::new();
        let mut per_query = Vec::new();
        for q in list.as_array().cloned().unwrap_or_default() {
            let mut q = q.clone();
            if class == "phrase" {
                q["phrase"] = json!(true);
            }
            let req = request(&q, today);
            let (total, ids) = run(&req)?;
            let mut times = Vec::new();
            for _ in 0..reps {
                let t = Instant::now();
                let r = run(&req)?;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                std::hint::black_box(r);
            }
            samples.extend(&times);
            times.sort_by(f64::total_cmp);
            per_query.push(json!({
                "q": q["q"], "hits": total,
                "top": ids.iter().map(|id| format!("b-{id:07}")).collect::<Vec<_>>(),
                "median_ms": percentile(&times, 50.0), "reps": reps,
            }));
        }
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let mean = sorted.iter().sum::<f64>() / sorted.len().max(1) as f64;
        eprintln!(
            "[{name}] {class}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
            percentile(&sorted, 50.0),
            percentile(&sorted, 95.0),
            percentile(&sorted, 99.0)
        );
        classes.insert(
            class.clone(),
            json!({
                "n_queries": per_query.len(), "n_samples": sorted.len(),
                "p50_ms": percentile(&sorted, 50.0), "p95_ms": percentile(&sorted, 95.0),
                "p99_ms": percentile(&sorted, 99.0), "mean_ms": mean,
                "max_ms": sorted.last().copied().unwrap_or(0.0),
                "samples_ms": samples, "queries": per_query,
            }),
        );
    }
    Ok(Value::Object(classes))
}

fn patho(dir: &Path, out: &Path) -> Result<()> {
    let mut rows = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path)?;
        let index = SearchIndex::open(None, Analysis::new("", None)?)?;
        let doc = SearchDoc {
            id: 1,
            title: "病态输入".into(),
            body_text: text.clone(),
            published_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            ..SearchDoc::default()
        };
        let t = Instant::now();
        index.rebuild(std::iter::once(doc), 0, &mut |_| {})?;
        let secs = t.elapsed().as_secs_f64();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        eprintln!("[patho] {name}: {} bytes in {secs:.3} s", text.len());
        rows.push(json!({"file": name, "bytes": text.len(), "seconds": secs,
                         "ns_per_byte": secs * 1e9 / text.len().max(1) as f64}));
    }
    std::fs::write(
        out,
        serde_json::to_string_pretty(&json!({"pathological": rows}))?,
    )?;
    Ok(())
}

async fn serve_static(addr: std::net::SocketAddr, pages: &[String]) -> Result<()> {
    use axum::response::IntoResponse;
    let mut map: HashMap<String, axum::body::Bytes> = HashMap::new();
    for p in pages {
        let (path, file) = p.split_once('=').context("--page /path=FILE")?;
        map.insert(
            path.to_owned(),
            axum::body::Bytes::from(std::fs::read(file)?),
        );
    }
    let map = std::sync::Arc::new(map);
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let map = map.clone();
        async move {
            match map.get(uri.path()) {
                Some(b) => (
                    [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    b.clone(),
                )
                    .into_response(),
                None => axum::http::StatusCode::NOT_FOUND.into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!("static ceiling on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Search {
            corpus,
            queries,
            needles,
            out,
            scale,
            reps,
            index_dir,
        } => search_bench(&corpus, &queries, &needles, &out, &scale, reps, index_dir),
        Command::Query {
            index_dir,
            queries,
            class,
            reps,
            page,
            out,
        } => query_bench(
            &index_dir,
            &queries,
            class.as_deref(),
            reps,
            page,
            out.as_deref(),
        ),
        Command::Patho { dir, out } => patho(&dir, &out),
        Command::Static { addr, pages } => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(serve_static(addr, &pages)),
    }
}
