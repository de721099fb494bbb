# Sage: build with Maven, run on a JRE. The image runs the Slack bot by default.
#   docker build -t sage .
#   docker run --rm sage analyze --help

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY collectors/pom.xml collectors/
COPY playbooks/pom.xml playbooks/
COPY bot/pom.xml bot/
COPY collectors collectors
COPY playbooks playbooks
COPY bot bot
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# jattach: the way to reach a JVM in a container that has no jcmd
RUN apt-get update \
 && apt-get install -y --no-install-recommends jattach \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin sage
WORKDIR /app
COPY --from=build /src/bot/target/sage.jar /app/sage.jar
USER sage
ENTRYPOINT ["java","-jar","/app/sage.jar"]
CMD ["bot"]
