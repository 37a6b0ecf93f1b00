#!/usr/bin/env bash
# Create throughput: 64 concurrent HTTP/1.1 keep-alive clients POST PyTorchJob creates to a fresh server
# (separate process, embedded H2, fresh data dir) for 5 s warm-up + 20 s measured.
# Usage: bench/create-throughput.sh [clients=64] [warmup=5] [measure=20] [raw|jdk]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
clients=${1:-64}; warmup=${2:-5}; measure=${3:-20}; client=${4:-raw}
build_bench
data=$(mktemp -d /tmp/kiln-bench-create.XXXXXX)
port=${PORT:-18081}
trap 'stop_server; echo "db file $(du -h "$data/kiln.mv.db" | cut -f1)"; rm -rf "$data"' EXIT
start_server "$port" "$data" "$data.log"
echo "machine: $(machine)"
echo "server: pid $SERVER_PID, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
"$JAVA" -cp "$BENCH_CP" dev.kiln.bench.CreateLoad "http://127.0.0.1:$port" "$clients" "$warmup" "$measure" "$client"
echo "server RSS after run: $(awk '/VmRSS/{print $2, $3}' /proc/$SERVER_PID/status)"
