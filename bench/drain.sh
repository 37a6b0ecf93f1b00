#!/usr/bin/env bash
# Drain: N `true` jobs submitted at once, until all are Succeeded (jobs/s), against `bin/kiln server`.
# Usage: bench/drain.sh [jobs] [clients]   (default 1000 jobs, 8 submitting clients).
source "$(dirname "$0")/server.sh"
"$JAVA_HOME/bin/java" -cp "$CLASSPATH_BENCH" dev.kiln.bench.SubmitBenchmark drain "$KILN_URL" "${1:-1000}" "${2:-8}"
