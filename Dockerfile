# Image for helm-chart/: build the jar first (mvn -B -q install -DskipTests), then
#   docker build -t strata/platform:0.1.0-SNAPSHOT .
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 strata \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/strata strata \
    && mkdir -p /opt/strata /var/lib/strata && chown strata /var/lib/strata
COPY platform-app/target/platform-app-0.1.0-SNAPSHOT.jar /tmp/strata.jar
# Spring Boot's extracted layout (application jar + lib/) and a class data sharing archive of the classes a
# start loads, recorded by one training start on a throw-away data dir: the JVM then maps them instead of
# loading and verifying them, which cuts the start by about a third (README, "JVM settings").
RUN java -Djarmode=tools -jar /tmp/strata.jar extract --destination /opt/strata/app \
    && rm /tmp/strata.jar \
    && java -XX:ArchiveClassesAtExit=/opt/strata/app/strata.jsa -Dspring.context.exit=onRefresh \
        -jar /opt/strata/app/strata.jar --strata.data-dir=/tmp/cds-training \
    && rm -rf /tmp/cds-training
USER strata
WORKDIR /var/lib/strata
ENV STRATA_DATA_DIR=/var/lib/strata
# The broker's JVM settings (README, "JVM settings"); override JAVA_OPTS to change them.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=40 -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError"
EXPOSE 9092 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -XX:SharedArchiveFile=/opt/strata/app/strata.jsa -jar /opt/strata/app/strata.jar"]
