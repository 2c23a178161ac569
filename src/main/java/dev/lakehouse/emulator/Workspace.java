package dev.lakehouse.emulator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpServer;

import dev.lakehouse.emulator.admin.AdminEndpoints;
import dev.lakehouse.emulator.admin.CloudAdminEndpoints;
import dev.lakehouse.emulator.admin.FederationAdminEndpoints;
import dev.lakehouse.emulator.admin.FaultInjector;
import dev.lakehouse.emulator.admin.OAuthAdminEndpoints;
import dev.lakehouse.emulator.admin.RequestLog;
import dev.lakehouse.emulator.auth.AuthorizePage;
import dev.lakehouse.emulator.auth.FederationPolicies;
import dev.lakehouse.emulator.auth.IdentityDirectory;
import dev.lakehouse.emulator.auth.IssuerKeys;
import dev.lakehouse.emulator.auth.OAuthEndpoints;
import dev.lakehouse.emulator.auth.OAuthSettings;
import dev.lakehouse.emulator.auth.ScimEndpoints;
import dev.lakehouse.emulator.auth.TokenStore;
import dev.lakehouse.emulator.auth.WorkspaceAuthenticator;
import dev.lakehouse.emulator.catalog.UnityCatalogEndpoints;
import dev.lakehouse.emulator.cloud.CloudIdentityProviders;
import dev.lakehouse.emulator.cloud.CloudTokenEndpoints;
import dev.lakehouse.emulator.cloud.WorkspaceCloud;
import dev.lakehouse.emulator.catalog.UnityCatalogService;
import dev.lakehouse.emulator.compute.ClusterEndpoints;
import dev.lakehouse.emulator.compute.ClusterService;
import dev.lakehouse.emulator.compute.WarehouseEndpoints;
import dev.lakehouse.emulator.compute.WarehouseService;
import dev.lakehouse.emulator.http.RateLimiter;
import dev.lakehouse.emulator.http.Router;
import dev.lakehouse.emulator.http.WorkspaceHttpHandler;
import dev.lakehouse.emulator.jobs.JobsEndpoints;
import dev.lakehouse.emulator.jobs.JobsService;
import dev.lakehouse.emulator.sql.DuckDbEngine;
import dev.lakehouse.emulator.sql.SampleDataSeeder;
import dev.lakehouse.emulator.sql.StatementEndpoints;
import dev.lakehouse.emulator.sql.StatementService;

/** One emulated workspace: its own port, credentials, DuckDB data, compute and jobs. */
public final class Workspace implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);

    static {
        // The JDK HttpServer does not set TCP_NODELAY on accepted sockets unless this property is true. Without it,
        // Nagle's algorithm holds back the last segment of a response until the client ACKs the previous one, and
        // clients delay that ACK (~40 ms on Linux): every request on a keep-alive connection then takes ~40 ms.
        // sun.net.httpserver.ServerConfig reads the property once, in its static initializer, i.e. when the first
        // HttpServer of the JVM is created; so this must run before that (a -D on the command line still wins).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final WorkspaceSettings settings;
    private final EmulatorProperties properties;
    private final ScheduledExecutorService scheduler;
    private final DuckDbEngine engine;
    private final TokenStore tokens = new TokenStore();
    private final OAuthSettings oauth;
    private final FaultInjector faults = new FaultInjector();
    private final RequestLog requestLog = new RequestLog();
    private final RateLimiter rateLimiter;
    private final IdentityDirectory identities;
    private final ClusterService clusters;
    private final WarehouseService warehouses;
    private final StatementService statements;
    private final JobsService jobs;
    private final UnityCatalogService unityCatalog;
    private final CloudIdentityProviders cloudIdentities;
    private final WorkspaceCloud cloud = new WorkspaceCloud();
    private final FederationPolicies federation = new FederationPolicies();
    private final IssuerKeys issuerKeys = new IssuerKeys();
    private HttpServer server;
    private ExecutorService httpPool;
    private String url;

    /** A workspace with identity providers of its own (no other workspace shares its Entra tenants or Google). */
    public Workspace(WorkspaceSettings settings, EmulatorProperties properties) {
        this(settings, properties, new CloudIdentityProviders());
    }

    /** A workspace using the process-wide cloud identity providers, as {@link EmulatorServer} makes them. */
    public Workspace(WorkspaceSettings settings, EmulatorProperties properties, CloudIdentityProviders cloudIdentities) {
        this.settings = settings;
        this.cloudIdentities = cloudIdentities;
        this.properties = properties;
        this.scheduler = Executors.newScheduledThreadPool(1, daemon("emu-" + settings.name() + "-timer-"));
        this.engine = new DuckDbEngine(properties.getSql().getMaxSleep());
        this.rateLimiter = new RateLimiter(properties.getRateLimits());
        this.identities = new IdentityDirectory(settings);
        this.oauth = new OAuthSettings(properties.getTokens());
        settings.pats().forEach(pat -> tokens.addPat(pat, identities.user(), null));
        this.clusters = new ClusterService(settings, properties.getCompute(), scheduler);
        this.warehouses = new WarehouseService(settings, properties.getCompute(), scheduler);
        this.statements = new StatementService(settings.name(), engine, warehouses, properties.getSql(), scheduler);
        String sharedCluster = clusters.list(java.util.List.of("RUNNING"), null, null).get(0).get("cluster_id").asText();
        this.jobs = new JobsService(settings, properties.getJobs(), statements, scheduler, sharedCluster);
        this.unityCatalog = new UnityCatalogService(settings, engine);
    }

    /** Seeds the data and starts listening; returns the base URL. */
    public String start() throws IOException {
        long started = System.nanoTime();
        try {
            new SampleDataSeeder(engine, properties.getData()).seed();
        } catch (SQLException e) {
            throw new IllegalStateException("Seeding workspace " + settings.name() + " failed", e);
        }
        long seededMillis = (System.nanoTime() - started) / 1_000_000;
        Router api = new Router();
        new OAuthEndpoints(settings, oauth, identities, tokens, cloud::profile, federation,
                issuerKeys, requestLog::federationExchange).register(api);
        new CloudTokenEndpoints(cloudIdentities, oauth, cloud).register(api);
        new AuthorizePage(settings.name(), oauth, identities, tokens).register(api);
        new ScimEndpoints().register(api);
        new StatementEndpoints(statements).register(api);
        new UnityCatalogEndpoints(unityCatalog, properties.getUnityCatalog()).register(api);
        new JobsEndpoints(jobs).register(api);
        new ClusterEndpoints(clusters).register(api);
        new WarehouseEndpoints(warehouses).register(api);
        WorkspaceServices services = new WorkspaceServices(settings, properties, scheduler, engine, statements, warehouses,
                unityCatalog, identities);
        // the later surfaces, one package each
        new dev.lakehouse.emulator.genie.GenieEndpoints(services).register(api);

        new dev.lakehouse.emulator.vectorsearch.VectorSearchEndpoints(services).register(api);

        new dev.lakehouse.emulator.files.FilesEndpoints(services).register(api);

        new dev.lakehouse.emulator.workspaceapi.WorkspaceApiEndpoints(services).register(api);

        new dev.lakehouse.emulator.lineage.LineageEndpoints(services).register(api);
        Router admin = new Router();
        new AdminEndpoints(settings, faults, tokens, identities, requestLog, rateLimiter,
                properties.getRateLimits().getRetryAfterSeconds()).register(admin);
        new OAuthAdminEndpoints(oauth, identities, tokens).register(admin);
        new CloudAdminEndpoints(cloud, cloudIdentities, identities).register(admin);
        new FederationAdminEndpoints(settings, federation, identities).register(admin);

        server = HttpServer.create(new InetSocketAddress(properties.getBindAddress(), settings.port()), 128);
        httpPool = Executors.newFixedThreadPool(Math.max(2, properties.getHttpThreads()), daemon("emu-" + settings.name() + "-http-"));
        server.setExecutor(httpPool);
        server.createContext("/", new WorkspaceHttpHandler(settings.name(), settings.workspaceId(), api, admin,
                properties.getAdmin().isEnabled(), requestLog, rateLimiter, faults,
                new WorkspaceAuthenticator(tokens, identities, cloud, cloudIdentities)));
        server.start();
        String host = properties.getBindAddress().contains(":") ? "[" + properties.getBindAddress() + "]" : properties.getBindAddress();
        url = "http://" + host + ":" + server.getAddress().getPort();
        cloudIdentities.google().addEmulatorBaseUrl(url);
        LOG.info("Databricks workspace emulator '{}' (workspace id {}) listening on {} (data seeded in {} ms)",
                settings.name(), settings.workspaceId(), url, seededMillis);
        return url;
    }

    public String name() { return settings.name(); }

    public String url() { return url; }

    public WorkspaceSettings settings() { return settings; }

    public FaultInjector faults() { return faults; }

    public TokenStore tokens() { return tokens; }

    public OAuthSettings oauth() { return oauth; }

    public RequestLog requestLog() { return requestLog; }

    /** This workspace's cloud profile (AWS unless the admin API switched it). */
    public WorkspaceCloud cloud() { return cloud; }

    public CloudIdentityProviders cloudIdentities() { return cloudIdentities; }

    /** This workspace's OAuth token federation policies (account-wide and per service principal). */
    public FederationPolicies federation() { return federation; }

    public RateLimiter rateLimiter() { return rateLimiter; }

    public DuckDbEngine engine() { return engine; }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        if (httpPool != null) {
            httpPool.shutdownNow();
        }
        jobs.close();
        statements.close();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.close();
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
