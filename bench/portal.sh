#!/usr/bin/env bash
# Portal and import benchmark (see bench/README.md).
#
#   bench/portal.sh [10k|100k|1m] [seconds per load run, default 4]
#   PORTAL_DBS="sqlite" bench/portal.sh 1m   # one database only (default: sqlite postgres)
#
# For SQLite and PostgreSQL: loads the demo city's bodies and accounts, imports the corpus
# through the application layer (`gongkai import`: validation, index numbers, audit, outbox),
# rebuilds the search index (`gongkai reindex`), serves it, and loads four pages with wrk at
# concurrency 1, 8 and 32, then once more at 32 with the page cache off. The ceiling is the same HTML bytes served from memory by
# `gongkai-bench static` on the same axum/tokio stack. Writes bench/out/portal-<scale>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-10k}
DUR=${2:-4}
OUT=bench/out
CORPUS=$OUT/corpus-$SCALE.jsonl
PORT=18181
STATIC_PORT=18182
PG_ADMIN=${BENCH_PG:-postgresql://postgres@127.0.0.1:5432}
[ -f "$CORPUS" ] || { echo "missing $CORPUS: run bench/run.sh --scale $SCALE first" >&2; exit 1; }
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || sudo apt-get install -y -qq wrk; }

TARGET=${BENCH_TARGET:-${CARGO_TARGET_DIR:-target}/release}
if [ -z "${BENCH_TARGET:-}" ]; then cargo build --release -q -p gongkai -p gongkai-bench; fi
BIN=$TARGET/gongkai
BENCH=$TARGET/gongkai-bench
RESULTS=$OUT/portal-$SCALE.work
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

wait_http() { # url
  for _ in $(seq 1 600); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "timeout waiting for $1" >&2; return 1
}

load() { # name url concurrency → one JSON line in $RESULTS/runs.jsonl
  local name=$1 url=$2 c=$3 pid=${4:-}
  local threads=$(( c < 2 ? 1 : 2 ))
  local text
  text=$(wrk -t"$threads" -c"$c" -d"${DUR}s" --latency "$url")
  python3 - "$name" "$c" "$pid" <<PY >> "$RESULTS/runs.jsonl"
import json, re, sys
text = """$text"""
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
rss = None
pid = sys.argv[3]
if pid:
    status = open(f"/proc/{pid}/status").read()
    rss = {k: int(v) / 1024 for k, v in re.findall(r"^(VmRSS|VmHWM|RssAnon|RssFile):\s+(\d+) kB", status, re.M)}
print(json.dumps({"page": sys.argv[1], "concurrency": int(sys.argv[2]), "rps": rps,
                  "p50_ms": ms(lat["50"]), "p99_ms": ms(lat["99"]),
                  "non_2xx": int(errors.group(1)) if errors else 0, "rss_mib": rss}))
PY
}

declare -A URLS # page name → URL of the server under test

load_pages() { # label pid "concurrencies": every page of $URLS at each concurrency
  local label=$1 pid=$2 name c
  for name in home item catalog search; do
    for c in $3; do
      echo "[$label] $name c=$c" >&2
      load "$label:$name" "${URLS[$name]}" "$c" "$pid"
    done
  done
}

run_db() { # sqlite|postgres
  local db=$1 data=$OUT/portal-$SCALE-$1
  rm -rf "$data"
  if [ "$db" = postgres ]; then
    psql "$PG_ADMIN/postgres" -qc "DROP DATABASE IF EXISTS gongkai_portal_bench WITH (FORCE)" >/dev/null
    psql "$PG_ADMIN/postgres" -qc "CREATE DATABASE gongkai_portal_bench" >/dev/null
    export GONGKAI_DATABASE_URL=$PG_ADMIN/gongkai_portal_bench
  else
    unset GONGKAI_DATABASE_URL
  fi
  # Bodies and accounts of the demo city (the corpus uses its organisation codes).
  "$BIN" --data "$data" serve --demo --addr 127.0.0.1:$PORT >"$RESULTS/demo-$db.log" 2>&1 &
  local pid=$!
  wait_http "http://127.0.0.1:$PORT/healthz"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "[$db] importing $CORPUS …" >&2
  "$BIN" --data "$data" import "$CORPUS" | tee "$RESULTS/import-$db.log" >&2
  "$BIN" --data "$data" reindex | tee "$RESULTS/reindex-$db.log" >&2
  "$BIN" --data "$data" serve --addr 127.0.0.1:$PORT >"$RESULTS/serve-$db.log" 2>&1 &
  pid=$!
  wait_http "http://127.0.0.1:$PORT/healthz"
  local base=http://127.0.0.1:$PORT
  local item
  item=$(curl -fsS "$base/api/v1/items?per_page=1&page=7" | python3 -c "import json,sys; print(json.load(sys.stdin)['items'][0]['id'])")
  local search_q=%E8%A7%84%E5%88%92   # 规划
  URLS=(
    [home]="$base/"
    [item]="$base/items/$item"
    [catalog]="$base/catalog?genre=%E9%80%9A%E7%9F%A5&page=3"
    [search]="$base/search?q=$search_q"
  )
  for name in home item catalog search; do curl -fsS "${URLS[$name]}" -o "$RESULTS/$name.html"; done
  load_pages "$db" "$pid" "1 8 32"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  # The same pages rendered for every request (no page cache), at the highest concurrency.
  "$BIN" --data "$data" serve --no-page-cache --addr 127.0.0.1:$PORT >"$RESULTS/serve-$db-uncached.log" 2>&1 &
  pid=$!
  wait_http "http://127.0.0.1:$PORT/healthz"
  load_pages "$db-uncached" "$pid" "32"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

DBS=${PORTAL_DBS:-sqlite postgres}
for db in $DBS; do
  case "$db" in sqlite|postgres) ;; *) echo "PORTAL_DBS: unknown database $db (sqlite, postgres)" >&2; exit 2 ;; esac
done
[ -n "${DBS// }" ] || { echo "PORTAL_DBS names no database" >&2; exit 2; }
for db in $DBS; do run_db "$db"; done

# The ceiling: the same bytes from memory on the same stack.
"$BENCH" static --addr 127.0.0.1:$STATIC_PORT \
  --page /home="$RESULTS/home.html" --page /item="$RESULTS/item.html" \
  --page /catalog="$RESULTS/catalog.html" --page /search="$RESULTS/search.html" 2>/dev/null &
SPID=$!
wait_http "http://127.0.0.1:$STATIC_PORT/home"
for name in home item catalog search; do URLS[$name]="http://127.0.0.1:$STATIC_PORT/$name"; done
load_pages static "$SPID" "1 8 32"
kill "$SPID"; wait "$SPID" 2>/dev/null || true

python3 - "$SCALE" "$RESULTS" "$OUT/portal-$SCALE.json" "$DUR" "$DBS" <<'PY'
import json, re, sys
scale, results, out, dur, dbs = sys.argv[1:]
runs = [json.loads(l) for l in open(f"{results}/runs.jsonl")]
imports = {}
for db in dbs.split():
    text = open(f"{results}/import-{db}.log").read()
    m = re.search(r"imported (\d+) items in ([\d.]+) s \(([\d.]+) items/s\)", text)
    r = re.search(r"rebuilt: (\d+) items in ([\d.]+) s", open(f"{results}/reindex-{db}.log").read())
    imports[db] = {"items": int(m.group(1)), "seconds": float(m.group(2)), "items_per_s": float(m.group(3)),
                   "reindex_items": int(r.group(1)), "reindex_s": float(r.group(2))}
json.dump({"schema": "gongkai-portal/1", "scale": scale, "seconds_per_run": int(dur),
           "import": imports, "runs": runs}, open(out, "w"), indent=1)
print(f"wrote {out}", file=sys.stderr)
PY
