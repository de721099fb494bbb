# Sage: build with Maven, run on a Debian JRE. The image runs the Slack bot by default (`sage bot`).
#   docker build -t sage .
#   docker run --rm sage analyze --help
#   docker run --rm -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN -v $PWD/sage.yaml:/etc/sage/sage.yaml:ro \
#       sage bot --config /etc/sage/sage.yaml

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY collectors collectors
COPY playbooks playbooks
COPY bot bot
RUN mvn -B -q package -DskipTests

FROM debian:bookworm-slim
# a JRE to run Sage; jattach, the way to reach a JVM in a container that has no jcmd; and a font with fontconfig,
# without which the memory chart fails at its first label
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless jattach fontconfig fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin sage
WORKDIR /app
COPY --from=build /src/bot/target/sage.jar /app/sage.jar
USER sage
# in Socket Mode (the default): Alertmanager's /alerts, Prometheus's /metrics and the /healthz probes (alerts.port)
EXPOSE 9095
ENV JAVA_TOOL_OPTIONS="-Djava.awt.headless=true"
# the heap follows the container's memory limit: 384 MiB in the shipped 512Mi pod (PodHeapTest runs Sage at that heap)
ENTRYPOINT ["java","-XX:MaxRAMPercentage=75","-jar","/app/sage.jar"]
CMD ["bot"]
