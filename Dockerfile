# One image per app, built from this repo: docker build --build-arg MODULE=broadcaster -t fleet-events/broadcaster .
# MODULE is one of poller, processor, broadcaster, coder-sim.
# Build arguments (docker-compose.yml passes them from the variables of the same names):
#   JDK_IMAGE  the build stage's image; with APP_JARS=maven it needs a JDK 17 (default eclipse-temurin:17-jdk)
#   JRE_IMAGE  the runtime image: a Java 17 runtime on the PATH, bash (health checks) and useradd
#              (default eclipse-temurin:17-jre)
#   APP_JARS   maven (default): build the jar here with the Maven wrapper;
#              target: copy <module>/target/<module>-exec.jar built on the host by ./mvnw package, so no JDK and no
#              Maven run inside the image (docker/local-images.sh sets this with a Debian base built without a registry)
ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG JRE_IMAGE=eclipse-temurin:17-jre

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY . .
ARG MODULE
ARG APP_JARS=maven
RUN set -eu; jar="${MODULE}/target/${MODULE}-exec.jar"; \
    case "${APP_JARS}" in \
      maven) ./mvnw -B -q -ntp -DskipTests -pl "${MODULE}" -am package ;; \
      target) test -f "$jar" || { echo "APP_JARS=target but $jar is missing: run ./mvnw -B -q -DskipTests package first" >&2; exit 1; } ;; \
      *) echo "APP_JARS must be maven or target, was '${APP_JARS}'" >&2; exit 1 ;; \
    esac; \
    cp "$jar" /app.jar

FROM ${JRE_IMAGE}
# /var/lib/fleet-events is owned by the app's user so that a named volume mounted below it (the processor's state)
# starts writable
RUN useradd --system --uid 10001 fleet \
 && install -d -o fleet -g fleet /var/lib/fleet-events /var/lib/fleet-events/processor
USER fleet
COPY --from=build /app.jar /app/app.jar
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
