package dev.lakehouse.gateway.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.lakehouse.gateway.support.LocalProcesses;

/**
 * What a running JVM holds, read from outside so that measuring does not change it much: heap used right after a
 * full collection ({@code jcmd GC.run}, then {@code jstat -gc}: survivor + eden + old used), open file descriptors
 * and threads ({@code /proc/<pid>}), resident memory.
 */
final class ProcessGauge {

    /** One reading, {@code seconds} after the soak began. */
    record Sample(long seconds, long heapAfterGcKib, int openFds, int threads, long rssKib) {
    }

    private final long pid;

    ProcessGauge(long pid) {
        this.pid = pid;
    }

    Sample read(long seconds) throws IOException, InterruptedException {
        run(LocalProcesses.jdkTool("jcmd"), Long.toString(pid), "GC.run");
        return new Sample(seconds, heapUsedKib(), openFds(), statusField("Threads:"), statusField("VmRSS:"));
    }

    /** S0U + S1U + EU + OU of {@code jstat -gc} (KiB; the same columns for Serial, Parallel and G1). */
    private long heapUsedKib() throws IOException, InterruptedException {
        List<String> lines = run(LocalProcesses.jdkTool("jstat"), "-gc", Long.toString(pid)).lines()
                .filter(line -> !line.isBlank()).toList();
        if (lines.size() < 2) {
            throw new IOException("jstat -gc " + pid + " printed " + lines);
        }
        List<String> names = List.of(lines.get(0).trim().split("\\s+"));
        List<String> values = List.of(lines.get(1).trim().split("\\s+"));
        double used = 0;
        for (String column : List.of("S0U", "S1U", "EU", "OU")) {
            used += Double.parseDouble(values.get(names.indexOf(column)));
        }
        return Math.round(used);
    }

    private int openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }

    private int statusField(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Integer.parseInt(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(field + " missing in /proc/" + pid + "/status");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
