#!/usr/bin/env bash
# Runs the scheduler benchmark (one pass over 10,000 pending workloads × 1,000 nodes).
# Usage: bench/scheduler.sh [extra JMH options]; JAVA_HOME defaults to the newest JDK ≥ 21 under /usr/lib/jvm.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${JAVA_HOME:-}" ]]; then
  best=""; best_version=0
  for jdk in /usr/lib/jvm/*/; do
    [[ -x "$jdk/bin/java" ]] || continue
    version=$("$jdk/bin/java" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p')
    if [[ -n "$version" && "$version" -ge 21 && "$version" -gt "$best_version" ]]; then
      best="${jdk%/}"; best_version="$version"
    fi
  done
  [[ -n "$best" ]] || { echo "no JDK 21 or newer under /usr/lib/jvm; set JAVA_HOME" >&2; exit 1; }
  export JAVA_HOME="$best"
fi

classpath_file=target/bench-classpath.txt
mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  org.openjdk.jmh.Main SchedulerBenchmark -f 1 -wi 3 -i 5 "$@"
