# Gateway image for docker-compose.yml. Build the jar first: mvn -DskipTests package
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY target/databricks-mcp-gateway-*.jar /app/gateway.jar
# the routes are files operators may mount and edit; the jar's defaults read them from ./routes
COPY routes /app/routes
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/gateway.jar"]
