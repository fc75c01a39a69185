#!/usr/bin/env bash
# Instructions the portal server spends per request (see bench/README.md, "Profiling the
# query path"): deterministic where wall times vary by a quarter from run to run.
#
#   bench/instructions.sh BINARY DATA_DIR URL_PATH [REQUESTS, default 20]
#
# Serves DATA_DIR with the page cache off under callgrind, sends three warm-up requests, then
# counts the instructions of REQUESTS more (instrumentation on only around them) and prints
# millions per request. Compare two builds by running it with each binary on the same data.
set -euo pipefail
BIN=$1 DATA=$2 URL_PATH=$3 N=${4:-20}
PORT=${INSTRUCTIONS_PORT:-18183}
OUT=$(mktemp -d)
base="http://127.0.0.1:$PORT"
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/cg.out" \
  "$BIN" --data "$DATA" serve --no-page-cache --addr "127.0.0.1:$PORT" >"$OUT/serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 1 1200); do curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break; sleep 0.5; done
for _ in 1 2 3; do curl -fsS -o /dev/null "$base$URL_PATH"; done
callgrind_control -i on "$pid" >/dev/null 2>&1
for _ in $(seq 1 "$N"); do curl -fsS -o /dev/null "$base$URL_PATH"; done
callgrind_control -i off "$pid" >/dev/null 2>&1
kill "$pid"; wait "$pid" 2>/dev/null || true
python3 - "$OUT" "$N" "$URL_PATH" <<'PY'
import glob, subprocess, sys
out, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
total = 0
for f in glob.glob(f"{out}/cg.out*"):
    text = subprocess.run(["callgrind_annotate", f], capture_output=True, text=True).stdout
    for line in text.splitlines():
        first = line.split()[0] if line.split() else ""
        if "PROGRAM TOTALS" in line and first[:1].isdigit():
            total += int(first.replace(",", ""))
print(f"{path}: {total / n / 1e6:.2f} M instructions per request ({n} requests)")
PY
