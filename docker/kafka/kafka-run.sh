#!/usr/bin/env bash
# Entry point of the Kafka image built from Maven Central's server jars. It reads the same environment as the
# official apache/kafka image, so docker-compose.yml works unchanged with either image:
#   KAFKA_<NAME> -> broker property <name>, lower-cased, '___' -> '-', '__' -> '_', '_' -> '.'
#     (KAFKA_NODE_ID -> node.id, KAFKA_LOG_DIRS -> log.dirs);
#   KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_OPTS, KAFKA_LOG4J_OPTS are JVM options, not properties;
#   CLUSTER_ID names the cluster when the log directories are formatted (a random one if unset).
# The log directories are formatted on the first start only; later starts keep every topic and offset.
set -euo pipefail

KAFKA_HOME=/opt/kafka
CONFIG="${KAFKA_CONFIG_FILE:-/tmp/kafka-server.properties}"
JVM_OPTION_VARIABLES=" KAFKA_HEAP_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_OPTS KAFKA_LOG4J_OPTS KAFKA_CONFIG_FILE KAFKA_HOME "

: > "$CONFIG"
while IFS='=' read -r -d '' name value; do
  [[ "$name" == KAFKA_* ]] || continue
  [[ "$JVM_OPTION_VARIABLES" == *" $name "* ]] && continue
  key="${name#KAFKA_}"
  key="${key,,}"
  key="${key//___/-}"
  key="${key//__/@}"
  key="${key//_/.}"
  key="${key//@/_}"
  printf '%s=%s\n' "$key" "$value" >> "$CONFIG"
done < <(env -0)

property() {
  sed -n "s/^$1=//p" "$CONFIG" | tail -n 1
}

if [[ -z "$(property process.roles)" ]]; then
  echo "kafka-run: no KAFKA_PROCESS_ROLES: this image runs KRaft only (set the KAFKA_* variables of docker-compose.yml)" >&2
  exit 2
fi

CLASSPATH="$KAFKA_HOME/libs/*"
LOG4J="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$KAFKA_HOME/config/log4j2.properties}"

log_dirs="$(property log.dirs)"
log_dirs="${log_dirs:-$(property log.dir)}"
log_dirs="${log_dirs:-/tmp/kafka-logs}"
metadata_dir="$(property metadata.log.dir)"
formatted=true
IFS=',' read -r -a dirs <<< "$log_dirs${metadata_dir:+,$metadata_dir}"
for dir in "${dirs[@]}"; do
  [[ -f "$dir/meta.properties" ]] || formatted=false
done
if [[ "$formatted" != true ]]; then
  # A Kafka cluster id is 16 random bytes in URL-safe base64 without padding.
  cluster_id="${CLUSTER_ID:-$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')}"
  echo "kafka-run: formatting $log_dirs (cluster id $cluster_id)"
  # shellcheck disable=SC2086 # option lists are word-split on purpose, as Kafka's own scripts do
  java -Xmx256m $LOG4J -cp "$CLASSPATH" kafka.tools.StorageTool format \
    --config "$CONFIG" --cluster-id "$cluster_id" --ignore-formatted
fi

# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx1G} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true} \
  ${KAFKA_OPTS:-} $LOG4J -cp "$CLASSPATH" kafka.Kafka "$CONFIG"
