#!/usr/bin/env bash
# Start-up time and idle RSS: starts `bin/kiln server` RUNS times on a fresh data dir and RUNS times on an existing
# one (the fresh runs' data dir, a few dozen workloads), timing process start -> the "Kiln 0.1.0 ready at" log line (taken from the line's
# own millisecond timestamp), then reads VmRSS of the idle server 2 s after ready and again 2 s after 30 requests (10 creates, 10 lists, 10 health checks).
# Usage: bench/startup-rss.sh [runs=5]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=${1:-5}
mvn -o -q -B -DskipTests package >&2
port=${PORT:-18084}
base=$(mktemp -d /tmp/kiln-bench-startup.XXXXXX)
trap 'stop_server; rm -rf "$base"' EXIT
body='{"workspaceId":"default","displayName":"startup probe","entryPoint":"ZWNobyBoaQ==","resource":{"cpu":"1","memory":"1Gi"}}'
rss() { awk '/VmRSS/{print int($2/1024)}' /proc/$1/status; }

echo "machine: $(machine)"
echo "load: $(cat /proc/loadavg); $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "JVM flags: $(grep -A2 "^exec" bin/kiln | tr -d "\\\n")"
printf '%-9s %-4s %10s %12s %14s\n' dataDir run ready_ms rss_idle_MB rss_after_MB
for kind in fresh existing; do
  for i in $(seq 1 "$runs"); do
    data="$base/data"
    if [ "$kind" = fresh ]; then rm -rf "$data"; fi
    log="$base/$kind-$i.log"
    t0=$(date +%s%3N)
    bin/kiln server --port "$port" --data-dir "$data" >"$log" 2>&1 &
    SERVER_PID=$!
    until grep -q "ready at" "$log" 2>/dev/null; do
      kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log"; exit 1; }
      sleep 0.01
    done
    ts=$(grep "ready at" "$log" | cut -d' ' -f1)
    t1=$(date -d "$ts" +%s%3N)
    sleep 2; idle=$(rss $SERVER_PID)
    for _ in $(seq 1 10); do
      curl -s -o /dev/null -XPOST -H 'content-type: application/json' -d "$body" "http://127.0.0.1:$port/api/v1/workloads"
      curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/workloads?limit=100"
      curl -s -o /dev/null "http://127.0.0.1:$port/healthz"
    done
    sleep 2; after=$(rss $SERVER_PID)
    printf '%-9s %-4s %10d %12d %14d\n' "$kind" "$i" $((t1 - t0)) "$idle" "$after"
    stop_server
  done
done
