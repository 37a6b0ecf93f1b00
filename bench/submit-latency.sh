#!/usr/bin/env bash
# Submit -> Running latency of trivial jobs against `bin/kiln server` (a separate process).
# Usage: bench/submit-latency.sh [submits]   (default 300). Target: p50 <= 20 ms, p99 <= 100 ms.
source "$(dirname "$0")/server.sh"
"$JAVA_HOME/bin/java" -cp "$CLASSPATH_BENCH" dev.kiln.bench.SubmitBenchmark latency "$KILN_URL" "${1:-300}"
