#!/bin/sh
# Runs the poller benchmark: 10,000-workspace coder-sim fleet, first cycle and 1 %-changed steady cycles.
# Usage (from the repository root): poller/bench.sh [workspaces] [steadyCycles]
# Uses KAFKA_BOOTSTRAP_SERVERS when set, else an embedded KRaft broker in the benchmark's JVM.
set -e
cd "$(dirname "$0")/.."
mvn -B -q -o -pl poller -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
exec java -Xmx${BENCH_HEAP:-512m} -XX:+UseG1GC \
  -cp "poller/target/test-classes:poller/target/classes:$(cat poller/target/bench.classpath)" \
  io.fleetevents.poller.bench.PollerBenchmark "$@"
