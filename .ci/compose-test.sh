#!/usr/bin/env bash
# End-to-end check of docker-compose.yml on a machine that reaches no container registry: Debian's Docker engine and
# docker-compose 1.29, a Debian+JRE base built by debootstrap (cached, docker/local-images.sh), Kafka from Maven
# Central's jars, the app images from the repo's Dockerfile with the jars of the Maven build (run it first:
# ./mvnw package or verify). Brings the stack up with coder-sim as the Coder, receives events over STOMP with
# standalone's `tail`, then `down` (volumes kept) and `up` again must replay the same history.
# Starts dockerd itself when no engine answers, and stops it on exit, also on failure.
# Traffic stays on loopback and the compose bridge network.
set -euo pipefail
cd "$(dirname "$0")/.."

PROJECT="fleet-events-ci"
HTTP_PORT="${FLEET_EVENTS_HTTP_PORT:-18080}"
KAFKA_PORT="${FLEET_EVENTS_KAFKA_PORT:-19092}"
# The demo token docker-compose.yml's broadcaster accepts (its SHA-256 is in the file). Passed to tail through the
# environment, never on a command line or in the output.
DEMO_TOKEN="demo-token-change-me"
TAIL_JAR="standalone/target/fleet-events-standalone.jar"
WORK="$(mktemp -d /tmp/fleet-events-compose.XXXXXX)"
DOCKERD_PID=""
TAIL_PID=""
STACK_CREATED=false
BEGIN=$(date +%s)

log() { printf '\n=== compose: %s ===\n' "$*"; }
since() { echo $(( $(date +%s) - $1 )); }
compose() { docker-compose --ansi never -p "$PROJECT" "$@"; }

stop_tail() {
  if [[ -n "$TAIL_PID" ]] && kill -0 "$TAIL_PID" 2> /dev/null; then
    kill "$TAIL_PID" 2> /dev/null || true
    wait "$TAIL_PID" 2> /dev/null || true
  fi
  TAIL_PID=""
}

stop_dockerd() {
  [[ -n "$DOCKERD_PID" ]] || return 0
  kill "$DOCKERD_PID" 2> /dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$DOCKERD_PID" 2> /dev/null || break
    sleep 1
  done
  if kill -0 "$DOCKERD_PID" 2> /dev/null; then
    echo "dockerd did not stop within 60 s: killing it" >&2
    kill -9 "$DOCKERD_PID" 2> /dev/null || true
  fi
  echo "dockerd stopped"
  DOCKERD_PID=""
}

on_exit() {
  local rc=$?
  set +e
  stop_tail
  if [[ $rc -ne 0 ]]; then
    printf '\n=== compose: FAILED (exit %s) after %s s ===\n' "$rc" "$(since "$BEGIN")" >&2
    if [[ "$STACK_CREATED" == true ]]; then
      timeout 30 docker-compose --ansi never -p "$PROJECT" ps >&2
      timeout 60 docker-compose --ansi never -p "$PROJECT" logs --no-color --tail=150 >&2
    fi
    for f in "$WORK"/tail*.err; do
      [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
    done
    [[ -f "$WORK/dockerd.log" ]] && { echo "--- dockerd log" >&2; tail -n 40 "$WORK/dockerd.log" >&2; }
  fi
  if [[ "$STACK_CREATED" == true ]]; then
    timeout 180 docker-compose --ansi never -p "$PROJECT" down -v --remove-orphans > /dev/null 2>&1 \
      || echo "compose: down -v failed" >&2
  fi
  stop_dockerd
  rm -rf "$WORK"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

log "tools"
missing=()
command -v dockerd > /dev/null || missing+=(docker.io)
command -v docker-compose > /dev/null || missing+=(docker-compose)
command -v debootstrap > /dev/null || missing+=(debootstrap)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
fi
for jar in "$TAIL_JAR" poller/target/poller-exec.jar processor/target/processor-exec.jar \
  broadcaster/target/broadcaster-exec.jar coder-sim/target/coder-sim-exec.jar; do
  [[ -f "$jar" ]] || { echo "missing $jar: run ./mvnw -B -q -DskipTests package first" >&2; exit 1; }
done

log "docker engine"
# Our own engine on a private socket: Testcontainers (KafkaTestBroker) and other processes on this machine look at
# the default socket and never see it. Its images and layers persist under DOCKER_ROOT, the cache of the next run.
if [[ -n "${DOCKER_HOST:-}" ]] && timeout 10 docker info > /dev/null 2>&1; then
  echo "the engine at DOCKER_HOST answers: using it (and leaving it running)"
else
  ENGINE_DIR="/run/fleet-events-ci"
  DOCKER_ROOT="${FLEET_EVENTS_CACHE:-/var/cache/fleet-events}/docker"
  mkdir -p "$ENGINE_DIR" "$DOCKER_ROOT"
  export DOCKER_HOST="unix://$ENGINE_DIR/docker.sock"
  dockerd --host "$DOCKER_HOST" --data-root "$DOCKER_ROOT" --exec-root "$ENGINE_DIR/exec" \
    --pidfile "$ENGINE_DIR/dockerd.pid" > "$WORK/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 1 60); do
    timeout 5 docker info > /dev/null 2>&1 && break
    kill -0 "$DOCKERD_PID" 2> /dev/null || { echo "dockerd exited" >&2; exit 1; }
    sleep 1
  done
  timeout 10 docker info > /dev/null 2>&1 || { echo "dockerd did not answer within 60 s" >&2; exit 1; }
  echo "dockerd started (pid $DOCKERD_PID)"
fi

log "images"
started=$(date +%s)
timeout 1200 docker/local-images.sh > "$WORK/images.env"
# shellcheck disable=SC1091
. "$WORK/images.env"
export COMPOSE_PROJECT_NAME="$PROJECT" FLEET_EVENTS_BIND=127.0.0.1 FLEET_EVENTS_HTTP_PORT="$HTTP_PORT" \
  FLEET_EVENTS_KAFKA_PORT="$KAFKA_PORT" KAFKA_IMAGE JDK_IMAGE JRE_IMAGE APP_JARS
if ! timeout 900 docker-compose --ansi never -p "$PROJECT" build -q > "$WORK/build.log" 2>&1; then
  tail -n 60 "$WORK/build.log" >&2
  echo "docker-compose build failed" >&2
  exit 1
fi
echo "images built in $(since "$started") s (Kafka: $KAFKA_IMAGE, base: $JRE_IMAGE)"

# Waits until every service's container reports healthy; bounded.
await_healthy() {
  local deadline=$(( $(date +%s) + $1 )) ids status unhealthy
  while :; do
    ids="$(compose ps -q)"
    unhealthy=0
    for id in $ids; do
      status="$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")"
      if [[ "$status" == exited || "$status" == dead ]]; then
        echo "container $(docker inspect --format '{{.Name}}' "$id") $status" >&2
        return 1
      fi
      [[ "$status" == healthy ]] || unhealthy=$((unhealthy + 1))
    done
    if [[ -n "$ids" && $unhealthy -eq 0 ]]; then
      return 0
    fi
    if [[ $(date +%s) -ge $deadline ]]; then
      echo "services not healthy within $1 s" >&2
      return 1
    fi
    sleep 3
  done
}

stack_up() {
  local started
  started=$(date +%s)
  STACK_CREATED=true
  timeout 600 docker-compose --ansi never -p "$PROJECT" up -d --no-build
  await_healthy 300
  echo "stack up in $(since "$started") s ($1)"
}

# Starts tail from the earliest retained event, printing JSON lines into $WORK/$1.out.
start_tail() {
  FLEET_EVENTS_TOKEN="$DEMO_TOKEN" timeout 600 java -Xmx128m -XX:TieredStopAtLevel=1 -jar "$TAIL_JAR" tail \
    --url "ws://127.0.0.1:$HTTP_PORT/api/events/subscribe" --from earliest --json \
    > "$WORK/$1.out" 2> "$WORK/$1.err" &
  TAIL_PID=$!
}

event_ids() {
  grep -o '"event_id":"[^"]*"' "$1" | cut -d'"' -f4 || true
}

log "stack"
compose down -v --remove-orphans > /dev/null 2>&1 || true
stack_up "first start"

log "events over STOMP"
started=$(date +%s)
start_tail tail1
deadline=$(( started + 180 ))
until [[ -n "$(event_ids "$WORK/tail1.out" | head -n 1)" ]]; do
  kill -0 "$TAIL_PID" 2> /dev/null || { echo "tail exited" >&2; exit 1; }
  [[ $(date +%s) -lt $deadline ]] || { echo "no event within 180 s" >&2; exit 1; }
  sleep 1
done
echo "first event after $(since "$started") s"
sleep 5 # let the replay of what is already there finish, so the check after the restart covers more than one event
stop_tail
event_ids "$WORK/tail1.out" | sort -u > "$WORK/before.ids"
first_id="$(event_ids "$WORK/tail1.out" | head -n 1)"
echo "$(wc -l < "$WORK/before.ids") events received, the first $first_id"

log "down, volumes kept, and up again"
started=$(date +%s)
timeout 300 docker-compose --ansi never -p "$PROJECT" down
echo "down in $(since "$started") s"
stack_up "after down"

started=$(date +%s)
start_tail tail2
deadline=$(( started + 120 ))
while :; do
  event_ids "$WORK/tail2.out" | sort -u > "$WORK/after.ids"
  missing_count="$(comm -23 "$WORK/before.ids" "$WORK/after.ids" | wc -l)"
  [[ "$missing_count" -eq 0 ]] && break
  kill -0 "$TAIL_PID" 2> /dev/null || { echo "tail exited" >&2; exit 1; }
  if [[ $(date +%s) -ge $deadline ]]; then
    echo "after the restart, $missing_count of the $(wc -l < "$WORK/before.ids") events seen before were not replayed within 120 s" >&2
    exit 1
  fi
  sleep 1
done
stop_tail
echo "history kept across down/up: all $(wc -l < "$WORK/before.ids") events seen before (first $first_id) replayed from earliest in $(since "$started") s"

log "compose test passed in $(since "$BEGIN") s"
