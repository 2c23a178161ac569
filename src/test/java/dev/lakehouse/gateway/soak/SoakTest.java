package dev.lakehouse.gateway.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.gateway.databricks.EmulatorAdmin;
import dev.lakehouse.gateway.support.LocalProcesses;
import dev.lakehouse.gateway.support.Ports;
import org.junit.jupiter.api.Test;

/**
 * The soak (README "Soak"): one gateway process on the machine's PostgreSQL and Redis, a standalone emulated
 * workspace, and {@link SoakWorkload}'s mixed, bounded load for {@code soak.minutes} (CI: 3; {@code bench/soak}
 * passes the duration asked for). Reports calls, errors and p50/p99 per tool, and the gateway's heap after a full
 * collection, open file descriptors, threads and RSS at intervals, to {@code target/soak/report.md}. Passes when no
 * call failed unexpectedly, every tool of the mix answered, tokens expired and were replaced along the way, and
 * heap, descriptors and threads stayed flat after the warm-up.
 */
class SoakTest {

    private static final Path OUTPUT = Path.of("target", "soak");
    private static final String DATABASE = "gateway_soak";
    /** Access tokens of the service principal live this long, so the soak crosses many expiries. */
    private static final int TOKEN_LIFETIME_SECONDS = 30;
    /** The storm family's workspace limit (calls/s), below the gateway's configured 30/s: it must learn it. */
    private static final int CLUSTERS_LIMIT = 10;
    /** Samples before this are the warm-up (JIT, pools filling); flatness is judged after it. */
    private static final Duration WARM_UP = Duration.ofSeconds(40);

    @Test
    void aMixedLoadWithFaultsStormsAndTokenExpiriesLeavesNoErrorAndNoGrowth() throws Exception {
        Duration duration = Duration.ofSeconds(Math.round(Double.parseDouble(System.getProperty("soak.minutes", "3")) * 60));
        Duration sampleEvery = Duration.ofSeconds(duration.toMinutes() > 10 ? 60 : 15);
        int acme = Ports.free();
        // a fixed port when something else watches the gateway (bench/dashboard's Prometheus), else any free one
        int gateway = Integer.getInteger("soak.gateway-port", Ports.free());
        LocalProcesses.recreatePostgresDatabase(DATABASE);
        try (LocalProcesses processes = new LocalProcesses(OUTPUT)) {
            List<String> emulator = LocalProcesses.javaOnTestClasspath("-Xmx256m", "-Demulator.admin.enabled=true",
                    "-Demulator.workspaces.acme.port=" + acme, "-Demulator.workspaces.globex.port=" + Ports.free(),
                    "-Demulator.data.tpch-scale-factor=0.001", "-Demulator.data.nyctaxi-trips=100");
            emulator.add("dev.lakehouse.emulator.EmulatorMain");
            processes.start(emulator, "emulator");
            List<String> command = LocalProcesses.javaOnTestClasspath("-Xmx320m", "-XX:+UseSerialGC");
            command.addAll(List.of("dev.lakehouse.gateway.GatewayApplication",
                    "--server.port=" + gateway, "--emulator.embedded=false",
                    "--gateway.tenants.demo.connections.acme.host=http://127.0.0.1:" + acme,
                    "--gateway.tenants.demo.connections.acme.exposure.jobs=on",
                    "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/" + DATABASE,
                    "--spring.datasource.username=postgres", "--spring.datasource.password=",
                    "--gateway.cluster.redis-url=redis://127.0.0.1:6379",
                    // the soak is one tenant's many agents: the inbound quotas would only turn its own load away
                    "--gateway.quota.agent.rate=100000", "--gateway.quota.agent.burst=100000",
                    "--gateway.quota.tenant.rate=100000", "--gateway.quota.tenant.burst=100000"));
            ProcessBuilder gatewayBuilder = new ProcessBuilder(command);
            gatewayBuilder.environment().put("GATEWAY_DATA_DIR", OUTPUT.resolve("data").toString());
            Process gatewayProcess = processes.start(gatewayBuilder, "gateway");
            processes.awaitHealthy(gateway);

            EmulatorAdmin workspace = EmulatorAdmin.at("http://127.0.0.1:" + acme);
            workspace.call("PUT", "/oauth", Map.of("access_token_lifetime_seconds", TOKEN_LIFETIME_SECONDS));
            workspace.rateLimits(Map.of("limits", Map.of("clusters", CLUSTERS_LIMIT)));
            workspace.clearRequests();

            SoakLedger ledger = new SoakLedger();
            SoakWorkload workload = new SoakWorkload(gateway, workspace, ledger, SoakWorkload.Settings.ci(duration));
            ProcessGauge gauge = new ProcessGauge(gatewayProcess.pid());
            List<ProcessGauge.Sample> samples = new CopyOnWriteArrayList<>();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                try {
                    samples.add(gauge.read(ledger.secondsSinceStart()));
                } catch (IOException | InterruptedException | RuntimeException e) {
                    ledger.failed("(sampling)", System.nanoTime(), e.toString());
                }
            }, 5, sampleEvery.toSeconds(), TimeUnit.SECONDS);
            try {
                workload.run();
            } finally {
                sampler.shutdown();
                sampler.awaitTermination(90, TimeUnit.SECONDS);
            }
            samples.add(gauge.read(ledger.secondsSinceStart()));

            JsonNode requests = workspace.requests();
            String prometheus = scrape(gateway);
            Files.writeString(OUTPUT.resolve("prometheus.txt"), prometheus);
            String report = report(duration, ledger, workload, samples, requests, processes.log("gateway"));
            Files.writeString(OUTPUT.resolve("report.md"), report);
            System.out.println(report);

            assertThat(ledger.unexpectedSamples()).as("calls that failed unexpectedly").isEmpty();
            assertThat(ledger.okByTool()).as("every tool of the mix answered at least once")
                    .containsOnlyKeys("list_catalogs", "list_schemas", "list_tables", "describe_table", "execute_sql",
                            "cancel_statement", "run_job", "get_job_run", "list_job_runs", "gateway_info",
                            "list_sql_warehouses", "list_clusters")
                    .allSatisfy((tool, ok) -> assertThat(ok).as(tool).isPositive());
            assertThat(workload.storms()).as("storms").isGreaterThanOrEqualTo(2);
            assertThat(workload.faultsInjected().values().stream().mapToInt(Integer::intValue).sum())
                    .as("faults injected").isGreaterThanOrEqualTo((int) (duration.toSeconds() / 20) - 1);
            // tokens expire every 30 s and are revoked once per fault cycle: each is replaced by a new request
            assertThat(requests.path("token_requests").path("client_credentials").asInt())
                    .as("service principal token requests").isGreaterThanOrEqualTo((int) (duration.toSeconds() / TOKEN_LIFETIME_SECONDS));
            assertFlat(samples);
        }
    }

    /**
     * Heap after GC, descriptors and threads at the end stay near the highest reading of the first half after the
     * warm-up: pools breathe (Tomcat's and Camel's threads come and go with the load, keep-alive connections too), a
     * leak keeps climbing past its early peak.
     */
    private static void assertFlat(List<ProcessGauge.Sample> samples) {
        List<ProcessGauge.Sample> settled = samples.stream().filter(s -> s.seconds() >= WARM_UP.toSeconds()).toList();
        assertThat(settled).as("samples after the warm-up").hasSizeGreaterThanOrEqualTo(4);
        List<ProcessGauge.Sample> firstHalf = settled.subList(0, settled.size() / 2);
        ProcessGauge.Sample last = settled.get(settled.size() - 1);
        long heapPeak = firstHalf.stream().mapToLong(ProcessGauge.Sample::heapAfterGcKib).max().orElseThrow();
        int fdPeak = firstHalf.stream().mapToInt(ProcessGauge.Sample::openFds).max().orElseThrow();
        int threadPeak = firstHalf.stream().mapToInt(ProcessGauge.Sample::threads).max().orElseThrow();
        assertThat(last.heapAfterGcKib()).as("heap after GC at the end vs the first half's peak (KiB)")
                .isLessThanOrEqualTo(heapPeak + heapPeak / 5 + 16 * 1024);
        assertThat(last.openFds()).as("open file descriptors at the end vs the first half's peak")
                .isLessThanOrEqualTo(fdPeak + 16);
        assertThat(last.threads()).as("threads at the end vs the first half's peak").isLessThanOrEqualTo(threadPeak + 16);
    }

    private static String report(Duration duration, SoakLedger ledger, SoakWorkload workload,
            List<ProcessGauge.Sample> samples, JsonNode requests, Path gatewayLog) throws IOException {
        StringBuilder report = new StringBuilder("# Soak " + Instant.now() + "\n\n");
        report.append("Duration ").append(duration.toMinutes()).append(" min ").append(duration.toSecondsPart())
                .append(" s; storms ").append(workload.storms()).append("; faults ").append(workload.faultsInjected())
                .append("; unexpected errors ").append(ledger.unexpected()).append("\n\n");
        report.append(ledger.toolTable()).append('\n');
        report.append("| t (s) | heap after GC (MiB) | open fds | threads | RSS (MiB) |\n|---|---|---|---|---|\n");
        for (ProcessGauge.Sample sample : samples) {
            report.append("| ").append(sample.seconds()).append(" | ").append(String.format("%.1f", sample.heapAfterGcKib() / 1024.0))
                    .append(" | ").append(sample.openFds()).append(" | ").append(sample.threads()).append(" | ")
                    .append(sample.rssKib() / 1024).append(" |\n");
        }
        report.append("\nWorkspace: token requests ").append(requests.path("token_requests"))
                .append("; 429s by family ");
        List<String> limited = new ArrayList<>();
        requests.path("families").fields().forEachRemaining(family -> limited.add(family.getKey() + "="
                + family.getValue().path("rate_limited").asInt() + "/" + family.getValue().path("received").asInt()));
        report.append(String.join(", ", limited)).append(" (429s/requests)\n");
        List<String> gatewayErrors = Files.readAllLines(gatewayLog).stream().filter(line -> line.contains(" ERROR ")).toList();
        report.append("Gateway log: ").append(gatewayErrors.size()).append(" ERROR lines\n");
        gatewayErrors.stream().limit(5).forEach(line -> report.append("    ").append(line).append('\n'));
        if (!ledger.faultErrorSamples().isEmpty()) {
            report.append("\nWhat injected faults told the agents (first few):\n");
            ledger.faultErrorSamples().forEach(sample -> report.append("- ").append(sample).append('\n'));
        }
        if (!ledger.unexpectedSamples().isEmpty()) {
            report.append("\nFirst unexpected failures:\n");
            ledger.unexpectedSamples().forEach(sample -> report.append("- ").append(sample).append('\n'));
        }
        return report.toString();
    }

    private static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + "\n" + response.body();
    }
}
