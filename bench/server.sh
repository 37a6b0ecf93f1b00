# Sourced by the benchmark scripts: builds Kiln and the benchmarks, starts `bin/kiln server` as a separate
# process on a free port with a few big virtual nodes, and sets KILN_URL, KILN_PID, CLASSPATH_BENCH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME=$(bin/find-java)
mvn -o -q -DskipTests package
mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
CLASSPATH_BENCH="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
work=$(mktemp -d /tmp/kiln-bench.XXXXXX)
cat > "$work/kiln.yaml" <<YAML
nodes:
  - { name: big-a, cpu: "2000", memory: 8Ti, ephemeralStorage: 100Ti }
  - { name: big-b, cpu: "2000", memory: 8Ti, ephemeralStorage: 100Ti }
  - { name: big-c, cpu: "2000", memory: 8Ti, ephemeralStorage: 100Ti }
  - { name: big-d, cpu: "2000", memory: 8Ti, ephemeralStorage: 100Ti }
lifecycle: { stopGracePeriod: 1s }
YAML
JDK_JAVA_OPTIONS="${KILN_SERVER_JAVA_OPTS:-}" bin/kiln server --config "$work/kiln.yaml" --port 0 --data-dir "$work/data" > "$work/server.log" 2>&1 &
KILN_PID=$!
cleanup() {
  kill "$KILN_PID" 2>/dev/null || true
  wait "$KILN_PID" 2>/dev/null || true
  if [ "${KEEP_BENCH_DIR:-0}" != 1 ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
for _ in $(seq 600); do
  KILN_URL=$(sed -n 's/.*ready at \(http[^ ]*\).*/\1/p' "$work/server.log" | head -1)
  [ -n "$KILN_URL" ] && break
  kill -0 "$KILN_PID" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$KILN_URL" ] || { echo "server not ready" >&2; cat "$work/server.log" >&2; exit 1; }
echo "server pid $KILN_PID at $KILN_URL (data $work/data)" >&2
