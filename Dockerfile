# One image per app, built from this repo: docker build --build-arg MODULE=broadcaster -t fleet-events/broadcaster .
# MODULE is one of poller, processor, broadcaster, coder-sim.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
ARG MODULE
RUN ./mvnw -B -q -ntp -DskipTests -pl ${MODULE} -am package \
 && cp ${MODULE}/target/${MODULE}-exec.jar /app.jar

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 fleet
USER fleet
COPY --from=build /app.jar /app/app.jar
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
