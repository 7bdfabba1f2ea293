#!/usr/bin/env bash
# The same command as in Kafka's distribution (docker-compose.yml's health check calls it by this path in either
# image). A short-lived client JVM: C1 only and a small heap keep each check cheap.
set -euo pipefail
exec java -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  -Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties \
  -cp "/opt/kafka/libs/*" org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
