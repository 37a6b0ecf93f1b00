# Shared by the bench/*.sh scripts: builds target/kiln.jar and the bench classpath, helpers to run a server.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export JAVA_HOME=$(bin/find-java)
JAVA="$JAVA_HOME/bin/java"

build_bench() {
  mvn -o -q -B -DskipTests package >&2
  mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp >&2
  BENCH_CP="target/test-classes:target/classes:$(cat target/bench.cp)"
}

# start_server PORT DATA_DIR LOG -> sets SERVER_PID, waits for the ready line
start_server() {
  local port=$1 data=$2 log=$3
  bin/kiln server --port "$port" --data-dir "$data" ${KILN_CONFIG:+--config "$KILN_CONFIG"} >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 ${READY_TIMEOUT_TENTHS:-600}); do
    grep -q "ready at" "$log" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "server did not become ready" >&2; return 1
}

stop_server() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

machine() {
  echo "$(nproc) cores shared by server and load driver ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB RAM, $("$JAVA" -version 2>&1 | head -1)"
}
