#!/usr/bin/env bash
# Compiles the project and runs the log tail benchmark: LogTail against `tail -n 1000` on a 1 GiB log.
# Usage: bench/log-tail.sh [file] [runs]. The 1 GiB file is created if missing and deleted afterwards
# unless KEEP_BENCH_FILE=1.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${JAVA_HOME:-}" ]; then
  # the newest JDK >= 21 under /usr/lib/jvm
  for jdk in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
    version=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')
    if [ -n "$version" ] && [ "$version" -ge 21 ]; then JAVA_HOME=${jdk%/}; break; fi
  done
fi
: "${JAVA_HOME:?no JDK >= 21 found; set JAVA_HOME}"
export JAVA_HOME

file=${1:-/tmp/kiln-log-tail-bench.log}
runs=${2:-20}
classpath_file=target/bench-classpath.txt
mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile="$classpath_file"
classpath="target/classes:target/test-classes:$(cat "$classpath_file")"

status=0
"$JAVA_HOME/bin/java" -cp "$classpath" dev.kiln.bench.LogTailBenchmark "$file" "$runs" || status=$?
if [ "${KEEP_BENCH_FILE:-0}" != 1 ]; then rm -f "$file"; fi
exit $status
