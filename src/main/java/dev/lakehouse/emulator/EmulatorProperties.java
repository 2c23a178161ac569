package dev.lakehouse.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every knob of the workspace emulator, bound from properties prefixed {@code emulator.}
 * (by Spring in embedded mode, by {@link EmulatorMain} through Spring's Binder otherwise).
 * Defaults are tuned for a developer running the emulator by hand; tests shorten the timings.
 */
@ConfigurationProperties(prefix = "emulator")
public class EmulatorProperties {

    /** Starts the emulator inside the Spring Boot application (read by the @ConditionalOnProperty). */
    private boolean embedded = false;
    /** Address every workspace listens on; loopback unless you really want it reachable. */
    private String bindAddress = "127.0.0.1";
    /** Worker threads per workspace HTTP server (bounds concurrent requests per workspace). */
    private int httpThreads = 32;
    /** Workspaces by name; when empty the two defaults {@code acme} and {@code globex} are used. */
    private Map<String, WorkspaceProperties> workspaces = new LinkedHashMap<>();

    private Tokens tokens = new Tokens();
    private Sql sql = new Sql();
    private Compute compute = new Compute();
    private Jobs jobs = new Jobs();
    private UnityCatalog unityCatalog = new UnityCatalog();
    private RateLimits rateLimits = new RateLimits();
    private Admin admin = new Admin();
    private Data data = new Data();
    private dev.lakehouse.emulator.genie.GenieSettings genie = new dev.lakehouse.emulator.genie.GenieSettings();
    private dev.lakehouse.emulator.vectorsearch.VectorSearchSettings vectorSearch =
            new dev.lakehouse.emulator.vectorsearch.VectorSearchSettings();
    private dev.lakehouse.emulator.files.FilesSettings files = new dev.lakehouse.emulator.files.FilesSettings();
    private dev.lakehouse.emulator.workspaceapi.WorkspaceApiSettings workspace = new dev.lakehouse.emulator.workspaceapi.WorkspaceApiSettings();

    public static class WorkspaceProperties {
        /** TCP port of this workspace; 0 picks a free ephemeral port. */
        private int port = 0;
        /** Numeric workspace id served in host metadata; derived from the name when unset. */
        private String workspaceId;
        /** The interactive user (owner of the PATs, the one who logs in on the authorize page). */
        private String userName;
        /** Password of that user on the emulated login page. */
        private String userPassword;
        /** More users besides {@code user-name} (e.g. one per Keycloak user), each with a login of their own. */
        private List<User> users = new ArrayList<>();
        /** Personal access tokens of the user; derived from the name when unset. */
        private List<String> pats;
        /** OAuth M2M clients (service principals); one derived from the name when unset. */
        private List<M2mClient> m2mClients;
        /** OAuth U2M clients (authorization code + PKCE); {@code databricks-cli} when unset. */
        private List<U2mClient> u2mClients;
        /** Id of the seeded RUNNING SQL warehouse; derived from the name when unset. */
        private String warehouseId;

        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public String getWorkspaceId() { return workspaceId; }
        public void setWorkspaceId(String workspaceId) { this.workspaceId = workspaceId; }
        public String getUserName() { return userName; }
        public void setUserName(String userName) { this.userName = userName; }
        public String getUserPassword() { return userPassword; }
        public void setUserPassword(String userPassword) { this.userPassword = userPassword; }
        public List<User> getUsers() { return users; }
        public void setUsers(List<User> users) { this.users = users; }
        public List<String> getPats() { return pats; }
        public void setPats(List<String> pats) { this.pats = pats; }
        public List<M2mClient> getM2mClients() { return m2mClients; }
        public void setM2mClients(List<M2mClient> m2mClients) { this.m2mClients = m2mClients; }
        public List<U2mClient> getU2mClients() { return u2mClients; }
        public void setU2mClients(List<U2mClient> u2mClients) { this.u2mClients = u2mClients; }
        public String getWarehouseId() { return warehouseId; }
        public void setWarehouseId(String warehouseId) { this.warehouseId = warehouseId; }
    }

    public static class User {
        /** Login and SCIM userName (usually an e-mail address); unique per workspace, case-insensitively. */
        private String userName;
        /** Password on the emulated login page. */
        private String password;
        /** SCIM displayName; derived from the user name when unset. */
        private String displayName;

        public User() { }
        public User(String userName, String password, String displayName) {
            this.userName = userName; this.password = password; this.displayName = displayName;
        }
        public String getUserName() { return userName; }
        public void setUserName(String userName) { this.userName = userName; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public String getDisplayName() { return displayName; }
        public void setDisplayName(String displayName) { this.displayName = displayName; }
    }

    public static class M2mClient {
        /** OAuth client id (the service principal's application id). */
        private String clientId;
        /** OAuth client secret. */
        private String clientSecret;
        /** Display name of the service principal (returned by SCIM /Me). */
        private String displayName;

        public M2mClient() { }
        public M2mClient(String clientId, String clientSecret, String displayName) {
            this.clientId = clientId; this.clientSecret = clientSecret; this.displayName = displayName;
        }
        public String getClientId() { return clientId; }
        public void setClientId(String clientId) { this.clientId = clientId; }
        public String getClientSecret() { return clientSecret; }
        public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
        public String getDisplayName() { return displayName; }
        public void setDisplayName(String displayName) { this.displayName = displayName; }
    }

    public static class U2mClient {
        /** OAuth client id of the app integration. */
        private String clientId;
        /** Optional secret; empty means a public client (PKCE only). */
        private String clientSecret;
        /** Exact redirect URIs this client may use. */
        private List<String> redirectUris = new ArrayList<>();

        public U2mClient() { }
        public U2mClient(String clientId, List<String> redirectUris) {
            this.clientId = clientId; this.redirectUris = new ArrayList<>(redirectUris);
        }
        public String getClientId() { return clientId; }
        public void setClientId(String clientId) { this.clientId = clientId; }
        public String getClientSecret() { return clientSecret; }
        public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
        public List<String> getRedirectUris() { return redirectUris; }
        public void setRedirectUris(List<String> redirectUris) { this.redirectUris = redirectUris; }
    }

    public static class Tokens {
        /** Lifetime of OAuth access tokens (keep >= 60 s for the SDK: it refreshes 40 s before expiry). */
        private Duration accessTokenLifetime = Duration.ofHours(1);
        /** Lifetime of OAuth refresh tokens. */
        private Duration refreshTokenLifetime = Duration.ofDays(1);
        /** Lifetime of authorization codes issued by the authorize page. */
        private Duration authorizationCodeLifetime = Duration.ofMinutes(5);
        /** Single-use refresh tokens: each refresh returns a new one and invalidates the old one. */
        private boolean rotateRefreshTokens = true;

        public Duration getAccessTokenLifetime() { return accessTokenLifetime; }
        public void setAccessTokenLifetime(Duration v) { this.accessTokenLifetime = v; }
        public Duration getRefreshTokenLifetime() { return refreshTokenLifetime; }
        public void setRefreshTokenLifetime(Duration v) { this.refreshTokenLifetime = v; }
        public Duration getAuthorizationCodeLifetime() { return authorizationCodeLifetime; }
        public void setAuthorizationCodeLifetime(Duration v) { this.authorizationCodeLifetime = v; }
        public boolean isRotateRefreshTokens() { return rotateRefreshTokens; }
        public void setRotateRefreshTokens(boolean v) { this.rotateRefreshTokens = v; }
    }

    public static class Sql {
        /** Rows per result chunk (INLINE + JSON_ARRAY). */
        private int chunkRows = 5000;
        /** Largest INLINE result in bytes; bigger results fail like the real 25 MiB limit. */
        private long inlineByteLimit = 25L * 1024 * 1024;
        /** Time a statement stays PENDING before it may start RUNNING. */
        private Duration pendingTime = Duration.ofMillis(100);
        /** Results stay available this long after success; then the statement is CLOSED. */
        private Duration resultRetention = Duration.ofHours(1);
        /** After this long in a terminal state, GET answers 404. */
        private Duration forgetAfter = Duration.ofHours(12);
        /** Statements executing at once per workspace; more wait in PENDING. */
        private int maxConcurrentStatements = 8;
        /** Upper bound for the emulator's sleep(seconds) SQL function. */
        private Duration maxSleep = Duration.ofMinutes(5);

        public int getChunkRows() { return chunkRows; }
        public void setChunkRows(int v) { this.chunkRows = v; }
        public long getInlineByteLimit() { return inlineByteLimit; }
        public void setInlineByteLimit(long v) { this.inlineByteLimit = v; }
        public Duration getPendingTime() { return pendingTime; }
        public void setPendingTime(Duration v) { this.pendingTime = v; }
        public Duration getResultRetention() { return resultRetention; }
        public void setResultRetention(Duration v) { this.resultRetention = v; }
        public Duration getForgetAfter() { return forgetAfter; }
        public void setForgetAfter(Duration v) { this.forgetAfter = v; }
        public int getMaxConcurrentStatements() { return maxConcurrentStatements; }
        public void setMaxConcurrentStatements(int v) { this.maxConcurrentStatements = v; }
        public Duration getMaxSleep() { return maxSleep; }
        public void setMaxSleep(Duration v) { this.maxSleep = v; }
    }

    public static class Compute {
        /** PENDING -> RUNNING time of a starting cluster. */
        private Duration clusterStartTime = Duration.ofSeconds(3);
        /** RESTARTING -> RUNNING time (restart and edit of a running cluster). */
        private Duration clusterRestartTime = Duration.ofSeconds(3);
        /** RESIZING -> RUNNING time. */
        private Duration clusterResizeTime = Duration.ofSeconds(2);
        /** TERMINATING -> TERMINATED time. */
        private Duration clusterTerminateTime = Duration.ofSeconds(2);
        /** STARTING -> RUNNING time of a SQL warehouse. */
        private Duration warehouseStartTime = Duration.ofSeconds(3);
        /** STOPPING -> STOPPED time of a SQL warehouse. */
        private Duration warehouseStopTime = Duration.ofSeconds(2);

        public Duration getClusterStartTime() { return clusterStartTime; }
        public void setClusterStartTime(Duration v) { this.clusterStartTime = v; }
        public Duration getClusterRestartTime() { return clusterRestartTime; }
        public void setClusterRestartTime(Duration v) { this.clusterRestartTime = v; }
        public Duration getClusterResizeTime() { return clusterResizeTime; }
        public void setClusterResizeTime(Duration v) { this.clusterResizeTime = v; }
        public Duration getClusterTerminateTime() { return clusterTerminateTime; }
        public void setClusterTerminateTime(Duration v) { this.clusterTerminateTime = v; }
        public Duration getWarehouseStartTime() { return warehouseStartTime; }
        public void setWarehouseStartTime(Duration v) { this.warehouseStartTime = v; }
        public Duration getWarehouseStopTime() { return warehouseStopTime; }
        public void setWarehouseStopTime(Duration v) { this.warehouseStopTime = v; }
    }

    public static class Jobs {
        /** Time a new run stays PENDING (cluster/warehouse acquisition). */
        private Duration pendingTime = Duration.ofSeconds(1);
        /** Minimum time a run stays RUNNING, even when its tasks finish sooner. */
        private Duration minRunTime = Duration.ofSeconds(1);
        /** Time a finishing run stays TERMINATING. */
        private Duration terminatingTime = Duration.ofMillis(500);
        /** Runs executing at once per workspace; more stay QUEUED. */
        private int maxConcurrentRuns = 4;

        public Duration getPendingTime() { return pendingTime; }
        public void setPendingTime(Duration v) { this.pendingTime = v; }
        public Duration getMinRunTime() { return minRunTime; }
        public void setMinRunTime(Duration v) { this.minRunTime = v; }
        public Duration getTerminatingTime() { return terminatingTime; }
        public void setTerminatingTime(Duration v) { this.terminatingTime = v; }
        public int getMaxConcurrentRuns() { return maxConcurrentRuns; }
        public void setMaxConcurrentRuns(int v) { this.maxConcurrentRuns = v; }
    }

    public static class UnityCatalog {
        /** Page length used for max_results=0 and for always-paginated lists without max_results. */
        private int defaultPageSize = 1000;
        /** Largest page length honoured for max_results > 0. */
        private int maxPageSize = 10000;

        public int getDefaultPageSize() { return defaultPageSize; }
        public void setDefaultPageSize(int v) { this.defaultPageSize = v; }
        public int getMaxPageSize() { return maxPageSize; }
        public void setMaxPageSize(int v) { this.maxPageSize = v; }
    }

    public static class RateLimits {
        /** Length of the sliding window the limits below count requests in. */
        private Duration window = Duration.ofSeconds(1);
        /** Retry-After seconds sent with 429 (the Java SDK sleeps exactly this long). */
        private int retryAfterSeconds = 1;
        /** Send the Retry-After header with the limiter's 429s at all (false: 429 without Retry-After). */
        private boolean retryAfterEnabled = true;
        /** Count a request after its response is computed, so a concurrent burst passes before 429s start. */
        private boolean recordAfterResponse = true;
        /** Requests per window per API family and workspace; 0 or less disables the limit. */
        private Map<String, Integer> limits = new LinkedHashMap<>(Map.of(
                "sql", 100, "unity-catalog", 100, "jobs", 100, "clusters", 100,
                "warehouses", 100, "token", 50, "scim", 255, "other", 100));

        {
            // Map.of takes at most ten pairs: the families of the later surfaces are added here. Databricks documents
            // about 5 Genie questions per minute; here every family counts per window alike (tests lower it).
            limits.putAll(Map.of("genie-ask", 100, "genie", 100, "vector-search", 100, "files", 100, "workspace", 100,
                    "lineage", 100));
        }

        /** Requests in flight at once per API family and workspace; absent, 0 or less means unlimited. */
        private Map<String, Integer> concurrent = new LinkedHashMap<>();

        public Duration getWindow() { return window; }
        public void setWindow(Duration v) { this.window = v; }
        public int getRetryAfterSeconds() { return retryAfterSeconds; }
        public void setRetryAfterSeconds(int v) { this.retryAfterSeconds = v; }
        public boolean isRetryAfterEnabled() { return retryAfterEnabled; }
        public void setRetryAfterEnabled(boolean v) { this.retryAfterEnabled = v; }
        public boolean isRecordAfterResponse() { return recordAfterResponse; }
        public void setRecordAfterResponse(boolean v) { this.recordAfterResponse = v; }
        public Map<String, Integer> getLimits() { return limits; }
        public void setLimits(Map<String, Integer> limits) { this.limits = limits; }
        public Map<String, Integer> getConcurrent() { return concurrent; }
        public void setConcurrent(Map<String, Integer> concurrent) { this.concurrent = concurrent; }
    }

    public static class Admin {
        /** Serves the fault-injection / token admin API under /emulator/admin (loopback callers only). */
        private boolean enabled = false;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
    }

    public static class Data {
        /** TPC-H scale of samples.tpch (1.0 = 1.5M orders); 0.02 gives ~120k lineitem rows. */
        private double tpchScaleFactor = 0.02;
        /** Rows of samples.nyctaxi.trips. */
        private int nyctaxiTrips = 20000;

        public double getTpchScaleFactor() { return tpchScaleFactor; }
        public void setTpchScaleFactor(double v) { this.tpchScaleFactor = v; }
        public int getNyctaxiTrips() { return nyctaxiTrips; }
        public void setNyctaxiTrips(int v) { this.nyctaxiTrips = v; }
    }

    public boolean isEmbedded() { return embedded; }
    public void setEmbedded(boolean embedded) { this.embedded = embedded; }
    public String getBindAddress() { return bindAddress; }
    public void setBindAddress(String bindAddress) { this.bindAddress = bindAddress; }
    public int getHttpThreads() { return httpThreads; }
    public void setHttpThreads(int httpThreads) { this.httpThreads = httpThreads; }
    public Map<String, WorkspaceProperties> getWorkspaces() { return workspaces; }
    public void setWorkspaces(Map<String, WorkspaceProperties> workspaces) { this.workspaces = workspaces; }
    public Tokens getTokens() { return tokens; }
    public void setTokens(Tokens tokens) { this.tokens = tokens; }
    public Sql getSql() { return sql; }
    public void setSql(Sql sql) { this.sql = sql; }
    public Compute getCompute() { return compute; }
    public void setCompute(Compute compute) { this.compute = compute; }
    public Jobs getJobs() { return jobs; }
    public void setJobs(Jobs jobs) { this.jobs = jobs; }
    public UnityCatalog getUnityCatalog() { return unityCatalog; }
    public void setUnityCatalog(UnityCatalog unityCatalog) { this.unityCatalog = unityCatalog; }
    public RateLimits getRateLimits() { return rateLimits; }
    public void setRateLimits(RateLimits rateLimits) { this.rateLimits = rateLimits; }
    public Admin getAdmin() { return admin; }
    public void setAdmin(Admin admin) { this.admin = admin; }
    public Data getData() { return data; }
    public void setData(Data data) { this.data = data; }
    public dev.lakehouse.emulator.genie.GenieSettings getGenie() { return genie; }
    public void setGenie(dev.lakehouse.emulator.genie.GenieSettings genie) { this.genie = genie; }
    public dev.lakehouse.emulator.vectorsearch.VectorSearchSettings getVectorSearch() { return vectorSearch; }
    public void setVectorSearch(dev.lakehouse.emulator.vectorsearch.VectorSearchSettings v) { this.vectorSearch = v; }
    public dev.lakehouse.emulator.files.FilesSettings getFiles() { return files; }
    public void setFiles(dev.lakehouse.emulator.files.FilesSettings files) { this.files = files; }
    public dev.lakehouse.emulator.workspaceapi.WorkspaceApiSettings getWorkspace() { return workspace; }
    public void setWorkspace(dev.lakehouse.emulator.workspaceapi.WorkspaceApiSettings v) { this.workspace = v; }
}
