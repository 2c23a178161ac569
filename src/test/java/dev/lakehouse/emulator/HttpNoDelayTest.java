package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keep-alive requests must not wait for the client's delayed ACK: without TCP_NODELAY on the JDK
 * HttpServer's sockets every request on a reused connection costs ~40 ms (Nagle + delayed ACK).
 * A bound check, not a benchmark: the median of 50 cheap sequential requests (after a warm-up) is far
 * below 40 ms; without TCP_NODELAY nearly every one of them takes 40-50 ms.
 */
@Timeout(60)
class HttpNoDelayTest {

    @Test
    void keepAliveRequestsAreNotDelayedByNagle() throws Exception {
        try (EmulatorServer server = new EmulatorServer(EmulatorFixture.fastProperties()).start()) {
            Workspace acme = server.workspace("acme");
            assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(acme.url() + "/.well-known/databricks-config"))
                    .timeout(Duration.ofSeconds(10)).GET().build();
            // warm-up on the same connection (JIT), not measured
            for (int i = 0; i < 20; i++) {
                assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            }
            long[] millis = new long[50];
            for (int i = 0; i < millis.length; i++) {
                long started = System.nanoTime();
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                millis[i] = (System.nanoTime() - started) / 1_000_000;
                assertThat(response.statusCode()).isEqualTo(200);
            }
            Arrays.sort(millis);
            long median = millis[millis.length / 2];
            System.out.printf("HttpNoDelayTest: median %d ms, sorted %s%n", median, Arrays.toString(millis));
            assertThat(median).as("median latency of 50 keep-alive requests (sorted ms: %s)", Arrays.toString(millis))
                    .isLessThan(20);
        }
    }
}
