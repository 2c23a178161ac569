# Gateway image for docker-compose.yml. Build the jar first: mvn -DskipTests package
# The image holds the production artifact (bin/dist): the jar extracted into a plain class path and a JDK 25 AOT
# cache made by a training run at build time, in /app where it runs (the cache is only valid for that JVM and path).
FROM eclipse-temurin:25-jdk
WORKDIR /build
COPY target/databricks-mcp-gateway-*.jar target/
# the routes are files operators may mount and edit; the launcher runs from /app, so it reads /app/routes
COPY routes routes
COPY bin bin
RUN bin/dist /app && rm -rf /build
WORKDIR /app
EXPOSE 8080
ENTRYPOINT ["/app/run"]
