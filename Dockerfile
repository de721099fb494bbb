# Sage: build with Maven, run on a Debian JRE. The image runs the Slack bot by default (`sage bot`).
#   docker build -t sage --build-arg SAGE_COMMIT=$(git describe --always --dirty --abbrev=10 --match=NO-TAGS) .
#   docker run --rm sage analyze --help
#   docker run --rm -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN -v $PWD/sage.yaml:/etc/sage/sage.yaml:ro \
#       sage bot --config /etc/sage/sage.yaml

FROM maven:3.9-eclipse-temurin-17 AS build
# the build context has no .git: the commit sage --version names comes from here
ARG SAGE_COMMIT=""
WORKDIR /src
COPY pom.xml README.md ./
COPY collectors collectors
COPY playbooks playbooks
COPY bot bot
RUN mvn -B -q package -DskipTests -Dsage.commit="$SAGE_COMMIT" \
 && mkdir /dist && tar -xzf bot/target/sage-*.tar.gz -C /dist --strip-components=1

FROM debian:bookworm-slim
# a JRE to run Sage; jattach, the way to reach a JVM in a container that has no jcmd; and a font with fontconfig,
# without which the memory chart fails at its first label
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless jattach fontconfig fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin sage
WORKDIR /app
# the same launcher and layout as the distribution archive; its first run here, as root, records the start-up archive
# (class-data sharing) for this JRE beside the jar, where the sage user's runs find it
COPY --from=build /dist /opt/sage
RUN ln -s /opt/sage/bin/sage /usr/local/bin/sage && sage --version && ls /opt/sage/lib/sage-*.jsa
USER sage
# in Socket Mode (the default): Alertmanager's /alerts, Prometheus's /metrics and the /healthz probes (alerts.port)
EXPOSE 9095
# the heap follows the container's memory limit: 384 MiB in the shipped 512Mi pod (PodHeapTest runs Sage at that heap)
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -Djava.awt.headless=true"
ENTRYPOINT ["sage"]
CMD ["bot"]
