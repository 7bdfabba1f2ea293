#!/usr/bin/env bash
# MCP clients nobody here wrote, from npm, against the standalone stack's /mcp:
#   @modelcontextprotocol/inspector-cli lists the tools and calls list_events and wait_for_events;
#   @modelcontextprotocol/conformance runs the server scenarios that apply (through a local proxy that adds the token, as the
#   runner cannot send headers).
# Needs node >= 20 and the npm registry; the clients are cached in ${MCP_CLIENTS_DIR:-~/.cache/fleet-events-mcp-clients}.
set -euo pipefail
cd "$(dirname "$0")/.."

INSPECTOR_VERSION=1.0.3
CONFORMANCE_VERSION=0.1.10   # the newest release that runs on node 20 (0.1.11+ need node 22's fs.globSync)
CLIENTS="${MCP_CLIENTS_DIR:-$HOME/.cache/fleet-events-mcp-clients}"
HTTP_PORT="${MCP_CI_HTTP_PORT:-28080}"
DATA_DIR="$(mktemp -d)"

mkdir -p "$CLIENTS"
if [ ! -x "$CLIENTS/node_modules/.bin/conformance" ] || [ ! -x "$CLIENTS/node_modules/.bin/mcp-inspector-cli" ]; then
  npm install --prefix "$CLIENTS" --no-audit --no-fund --loglevel=error \
    "@modelcontextprotocol/inspector-cli@$INSPECTOR_VERSION" "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION"
fi

java -jar standalone/target/fleet-events-standalone.jar --fleet-data-dir="$DATA_DIR" --fleet-http-port="$HTTP_PORT" \
  --fleet-kafka-port=29092 --fleet-kafka-controller-port=29093 --fleet-sim-port=23000 > "$DATA_DIR/stack.log" 2>&1 &
STACK=$!
PROXY=""
cleanup() { [ -n "$PROXY" ] && kill "$PROXY" 2>/dev/null; kill "$STACK" 2>/dev/null; wait "$STACK" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 1 180); do
  kill -0 "$STACK" 2>/dev/null || { echo "the standalone stack stopped:"; tail -20 "$DATA_DIR/stack.log"; exit 1; }
  [ -s "$DATA_DIR/dev-token" ] && curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/actuator/health" 2>/dev/null && break
  sleep 1
done
TOKEN="$(cat "$DATA_DIR/dev-token")"
URL="http://127.0.0.1:$HTTP_PORT/mcp"
# inspector-cli 1.0.3 looks for its package.json relative to the working directory: run it from its build folder.
inspect() { (cd "$CLIENTS/node_modules/@modelcontextprotocol/inspector-cli/build" &&
  node index.js "$URL" --transport http --header "Authorization: Bearer $TOKEN" "$@"); }

echo "--- inspector-cli: tools/list"
inspect --method tools/list > "$DATA_DIR/tools.json"
for tool in wait_for_events list_events list_agents get_agent get_fleet_capacity; do
  grep -q "\"$tool\"" "$DATA_DIR/tools.json" || { echo "tools/list lacks $tool"; cat "$DATA_DIR/tools.json"; exit 1; }
done
echo "--- inspector-cli: list_events from earliest"
inspect --method tools/call --tool-name list_events --tool-arg from=earliest --tool-arg limit=5 > "$DATA_DIR/list.json"
grep -q '"cursor"' "$DATA_DIR/list.json" || { cat "$DATA_DIR/list.json"; exit 1; }
grep -q '"isError": *true' "$DATA_DIR/list.json" && { cat "$DATA_DIR/list.json"; exit 1; }
echo "--- inspector-cli: wait_for_events"
inspect --method tools/call --tool-name wait_for_events --tool-arg timeout_seconds=2 > "$DATA_DIR/wait.json"
grep -q '"cursor"' "$DATA_DIR/wait.json" || { cat "$DATA_DIR/wait.json"; exit 1; }
grep -q '"isError": *true' "$DATA_DIR/wait.json" && { cat "$DATA_DIR/wait.json"; exit 1; }

echo "--- conformance: server scenarios"
node .ci/mcp-auth-proxy.mjs 28081 "http://127.0.0.1:$HTTP_PORT" "$TOKEN" &
PROXY=$!
for _ in $(seq 1 100); do   # until the proxy listens (at most ~10 s)
  curl -s -o /dev/null "http://127.0.0.1:28081/" && break
  sleep 0.1
done
# The server scenarios that need no fixture of the suite's own (its test tools, prompts, templates, completions).
# Not run: server-sse-polling (SSE resumption with Last-Event-ID, which the SDK's transport does not replay; the
# tools' cursors are the resumption here) and the fixture scenarios (tools-call-*, prompts-*, resources-read-*,
# resources-templates-read, completion-complete, json-schema-2020-12, elicitation-*).
SCENARIOS=(server-initialize ping tools-list logging-set-level resources-list resources-subscribe
  resources-unsubscribe server-sse-multiple-streams)
for scenario in "${SCENARIOS[@]}"; do
  echo "--- conformance: $scenario"
  timeout 120 node "$CLIENTS/node_modules/.bin/conformance" server --url "http://127.0.0.1:28081/mcp" \
    --scenario "$scenario" > "$DATA_DIR/conformance-$scenario.log" 2>&1 \
    || { tail -40 "$DATA_DIR/conformance-$scenario.log"; exit 1; }
  grep -E '^Passed: ' "$DATA_DIR/conformance-$scenario.log"
  grep -qE '^Passed: .*, 0 failed' "$DATA_DIR/conformance-$scenario.log" \
    || { tail -40 "$DATA_DIR/conformance-$scenario.log"; exit 1; }
done
echo "MCP clients: inspector-cli and conformance (${SCENARIOS[*]}) passed"
