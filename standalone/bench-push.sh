#!/bin/sh
# Runs the push latency benchmark: coder-sim change -> STOMP frame, watches on vs polling only, whole standalone stack.
# Usage (from the repository root): standalone/bench-push.sh [workspaces] [changes]
set -e
cd "$(dirname "$0")/.."
./mvnw -B -q -o -pl standalone -am -DskipTests install >/dev/null
./mvnw -B -q -o -pl standalone test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
exec java -Xmx${BENCH_HEAP:-1g} -XX:+UseG1GC \
  -cp "standalone/target/test-classes:standalone/target/classes:$(cat standalone/target/bench.classpath)" \
  io.fleetevents.standalone.bench.PushLatencyBenchmark "$@"
