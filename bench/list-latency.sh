#!/usr/bin/env bash
# List p99 with 1,000,000 stored workloads: bulk-loads them (JDBC batch, once; the data dir is kept and reused)
# then starts a server on that data dir and measures the filtered, fuzzy, sorted list.
# Usage: bench/list-latency.sh [requests=2000] [clients=4] [rows=1000000]
# DATA=/path keeps the loaded database there (default /tmp/kiln-bench-list-<rows>); RELOAD=1 loads again.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
requests=${1:-2000}; clients=${2:-4}; rows=${3:-1000000}
data=${DATA:-/tmp/kiln-bench-list-$rows}
port=${PORT:-18082}
build_bench
if [ "${RELOAD:-0}" = 1 ] || [ ! -f "$data/loaded" ]; then
  rm -rf "$data"; mkdir -p "$data"
  echo "bulk-loading $rows workloads into $data ..."
  "$JAVA" -Xmx2g -cp "$BENCH_CP" dev.kiln.bench.BulkLoad "jdbc:h2:file:$data/kiln" "$rows"
  touch "$data/loaded"
fi
# one-millicore quotas keep the loaded Pending workloads from being started as real processes on this host
cat >"$data.yaml" <<YAML
workspaces:
  - { id: default, quota: { cpu: "1m" } }
  - { id: team-a, quota: { cpu: "1m" } }
  - { id: team-b, quota: { cpu: "1m" } }
  - { id: team-c, quota: { cpu: "1m" } }
  - { id: team-d, quota: { cpu: "1m" } }
YAML
trap 'stop_server' EXIT
export READY_TIMEOUT_TENTHS=36000   # first start on a V1 database builds the V2 indexes over 1M rows
KILN_CONFIG="$data.yaml" start_server "$port" "$data" "$data.log"
# the loaded Running workloads have no pods: the lifecycle loop fails them as lost on its first passes; measure once
# that has settled, so the numbers are the list's, not a start-up's
for _ in $(seq 1 900); do
  n=$(curl -s "http://127.0.0.1:$port/api/v1/workloads?phase=Running&limit=1" | sed -n 's/.*"totalCount":\([0-9]*\).*/\1/p')
  [ "$n" = 0 ] && break
  sleep 1
done
echo "machine: $(machine)"
echo "load: $(cat /proc/loadavg); $(date -u +%Y-%m-%dT%H:%M:%SZ); db file $(du -h "$data/kiln.mv.db" | cut -f1)"
"$JAVA" -cp "$BENCH_CP" dev.kiln.bench.ListLoad "http://127.0.0.1:$port" "$requests" "$clients"
echo "server RSS after run: $(awk '/VmRSS/{print $2, $3}' /proc/$SERVER_PID/status)"
