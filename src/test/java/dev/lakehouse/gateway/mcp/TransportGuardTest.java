package dev.lakehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The pure helpers of {@link TransportGuard}: allow-list patterns and media-type parsing. */
class TransportGuardTest {

    private static final List<Pattern> DEFAULT_ORIGINS =
            TransportGuard.compile(List.of("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"));
    private static final List<Pattern> DEFAULT_HOSTS =
            TransportGuard.compile(List.of("localhost:*", "127.0.0.1:*", "[::1]:*"));

    @Test
    void portWildcardMatchesAnyPortOrNone() {
        List<Pattern> localhost = TransportGuard.compile(List.of("http://localhost:*"));
        assertThat(TransportGuard.matches(localhost, "http://localhost:8080")).isTrue();
        assertThat(TransportGuard.matches(localhost, "http://localhost:1")).isTrue();
        assertThat(TransportGuard.matches(localhost, "http://localhost:65535")).isTrue();
        assertThat(TransportGuard.matches(localhost, "http://localhost")).isTrue();
    }

    @Test
    void portWildcardDoesNotMatchOtherHostsOrSuffixes() {
        List<Pattern> localhost = TransportGuard.compile(List.of("http://localhost:*"));
        assertThat(TransportGuard.matches(localhost, "http://localhost.evil.com:80")).isFalse();
        assertThat(TransportGuard.matches(localhost, "http://localhost.evil.com")).isFalse();
        assertThat(TransportGuard.matches(localhost, "http://evil.com")).isFalse();
        assertThat(TransportGuard.matches(localhost, "http://evil-localhost:80")).isFalse();
        assertThat(TransportGuard.matches(localhost, "https://localhost:8080")).isFalse();
        assertThat(TransportGuard.matches(localhost, "http://localhost:8080/path")).isFalse();
        assertThat(TransportGuard.matches(localhost, "http://localhost:")).isFalse();
        assertThat(TransportGuard.matches(localhost, "http://localhost:abc")).isFalse();
        assertThat(TransportGuard.matches(localhost, "http://localhost:123456")).isFalse();
        assertThat(TransportGuard.matches(localhost, "http://localhost:8080@evil.com")).isFalse();
    }

    @Test
    void matchingIgnoresCaseAndSurroundingWhitespace() {
        assertThat(TransportGuard.matches(DEFAULT_ORIGINS, "HTTP://LocalHost:8080")).isTrue();
        assertThat(TransportGuard.matches(DEFAULT_ORIGINS, "  http://127.0.0.1:9  ")).isTrue();
        List<Pattern> upper = TransportGuard.compile(List.of("  HTTP://LOCALHOST:*  "));
        assertThat(TransportGuard.matches(upper, "http://localhost:80")).isTrue();
    }

    @Test
    void ipv6LoopbackWithPortWildcard() {
        List<Pattern> v6 = TransportGuard.compile(List.of("[::1]:*"));
        assertThat(TransportGuard.matches(v6, "[::1]:8080")).isTrue();
        assertThat(TransportGuard.matches(v6, "[::1]")).isTrue();
        assertThat(TransportGuard.matches(v6, "[::2]:8080")).isFalse();
        assertThat(TransportGuard.matches(v6, "::1:8080")).isFalse();
        assertThat(TransportGuard.matches(DEFAULT_ORIGINS, "http://[::1]:3000")).isTrue();
    }

    @Test
    void defaultHostListAcceptsLoopbackOnly() {
        assertThat(TransportGuard.matches(DEFAULT_HOSTS, "localhost:8080")).isTrue();
        assertThat(TransportGuard.matches(DEFAULT_HOSTS, "127.0.0.1:49152")).isTrue();
        assertThat(TransportGuard.matches(DEFAULT_HOSTS, "127.0.0.1")).isTrue();
        assertThat(TransportGuard.matches(DEFAULT_HOSTS, "127.0.0.1:8080.evil.com")).isFalse();
        assertThat(TransportGuard.matches(DEFAULT_HOSTS, "127.0.0.10:8080")).isFalse();
        assertThat(TransportGuard.matches(DEFAULT_HOSTS, "evil.example.com")).isFalse();
        assertThat(TransportGuard.matches(DEFAULT_HOSTS, "")).isFalse();
    }

    @Test
    void starAloneMatchesAnything() {
        List<Pattern> any = TransportGuard.compile(List.of("*"));
        assertThat(TransportGuard.matches(any, "http://evil.com")).isTrue();
        assertThat(TransportGuard.matches(any, "null")).isTrue();
        assertThat(TransportGuard.matches(any, "")).isTrue();
    }

    @Test
    void labelWildcardMatchesOneLabelOnly() {
        List<Pattern> sub = TransportGuard.compile(List.of("https://*.example.com"));
        assertThat(TransportGuard.matches(sub, "https://api.example.com")).isTrue();
        assertThat(TransportGuard.matches(sub, "https://a.b.example.com")).isFalse();
        assertThat(TransportGuard.matches(sub, "https://example.com")).isFalse();
        assertThat(TransportGuard.matches(sub, "https://api.example.com.evil.com")).isFalse();
    }

    @Test
    void regexMetacharactersInPatternsAreLiteral() {
        List<Pattern> dotted = TransportGuard.compile(List.of("http://a.b:*"));
        assertThat(TransportGuard.matches(dotted, "http://a.b:1")).isTrue();
        assertThat(TransportGuard.matches(dotted, "http://axb:1")).isFalse();
    }

    @Test
    void blankPatternsAreIgnoredAndEmptyListMatchesNothing() {
        List<Pattern> none = TransportGuard.compile(List.of("", "   "));
        assertThat(none).isEmpty();
        assertThat(TransportGuard.matches(none, "http://localhost")).isFalse();
    }

    @Test
    void mediaTypeStripsParametersAndLowercases() {
        assertThat(TransportGuard.mediaType("application/json")).isEqualTo("application/json");
        assertThat(TransportGuard.mediaType("application/json; charset=utf-8")).isEqualTo("application/json");
        assertThat(TransportGuard.mediaType("  Application/JSON ;charset=UTF-8")).isEqualTo("application/json");
        assertThat(TransportGuard.mediaType("text/plain")).isEqualTo("text/plain");
        assertThat(TransportGuard.mediaType("application/json-patch+json")).isEqualTo("application/json-patch+json");
    }

    @Test
    void acceptsExactTypesWithParametersAndQValues() {
        String both = "application/json;q=0.9, text/event-stream;q=0.5";
        assertThat(TransportGuard.accepts(both, "application/json")).isTrue();
        assertThat(TransportGuard.accepts(both, "text/event-stream")).isTrue();
        String spaced = " text/event-stream ; charset=utf-8 ,  APPLICATION/JSON ";
        assertThat(TransportGuard.accepts(spaced, "application/json")).isTrue();
        assertThat(TransportGuard.accepts(spaced, "text/event-stream")).isTrue();
    }

    @Test
    void acceptsWildcards() {
        assertThat(TransportGuard.accepts("*/*", "application/json")).isTrue();
        assertThat(TransportGuard.accepts("*/*", "text/event-stream")).isTrue();
        assertThat(TransportGuard.accepts("*/*;q=0.8", "text/event-stream")).isTrue();
        assertThat(TransportGuard.accepts("text/*", "text/event-stream")).isTrue();
        assertThat(TransportGuard.accepts("text/*", "application/json")).isFalse();
        assertThat(TransportGuard.accepts("application/*, text/*", "application/json")).isTrue();
        assertThat(TransportGuard.accepts("application/*, text/*", "text/event-stream")).isTrue();
    }

    @Test
    void refusesMissingOrOtherTypes() {
        assertThat(TransportGuard.accepts(null, "application/json")).isFalse();
        assertThat(TransportGuard.accepts("", "application/json")).isFalse();
        assertThat(TransportGuard.accepts("application/json", "text/event-stream")).isFalse();
        assertThat(TransportGuard.accepts("text/event-stream", "application/json")).isFalse();
        assertThat(TransportGuard.accepts("application/jsonx", "application/json")).isFalse();
        assertThat(TransportGuard.accepts("application/json-seq", "application/json")).isFalse();
        assertThat(TransportGuard.accepts("text/html, application/xml", "application/json")).isFalse();
        assertThat(TransportGuard.accepts("*", "application/json")).isFalse();
    }

    @Test
    void qZeroMeansNotAcceptable() {
        assertThat(TransportGuard.accepts("application/json, text/event-stream;q=0", "text/event-stream")).isFalse();
        assertThat(TransportGuard.accepts("*/*;q=0", "application/json")).isFalse();
    }
}
