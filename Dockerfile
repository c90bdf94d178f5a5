# Image for helm-chart/: build the jar first (mvn -B -q install -DskipTests), then
#   docker build -t strata/platform:0.1.0-SNAPSHOT .
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 strata \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/strata strata \
    && mkdir -p /opt/strata /var/lib/strata && chown strata /var/lib/strata
COPY platform-app/target/platform-app-0.1.0-SNAPSHOT.jar /opt/strata/strata.jar
USER strata
WORKDIR /var/lib/strata
ENV STRATA_DATA_DIR=/var/lib/strata
# The broker's JVM settings (README, "JVM settings"); override JAVA_OPTS to change them.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=40 -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError"
EXPOSE 9092 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/strata/strata.jar"]
