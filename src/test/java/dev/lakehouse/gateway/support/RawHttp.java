package dev.lakehouse.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP/1.1 request written to a loopback socket, for what the JDK client refuses to send (a foreign {@code Host}
 * header, as a DNS-rebinding page's browser would). The response is read whole (connection: close).
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** The raw response text: status line, headers, body. */
    public static String exchange(int port, String method, String path, Map<String, String> headers, String body)
            throws Exception {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0 && response.size() < 1_000_000;) {
                response.write(buffer, 0, n);
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    /** The status code of a raw response. */
    public static int status(String rawResponse) {
        String statusLine = rawResponse.lines().findFirst().orElseThrow();
        if (!statusLine.startsWith("HTTP/1.1 ")) {
            throw new AssertionError("not an HTTP/1.1 response: " + statusLine);
        }
        return Integer.parseInt(statusLine.substring(9, 12));
    }

    /** The body of a raw response (after the blank line; chunked bodies keep their chunk sizes). */
    public static String body(String rawResponse) {
        int blank = rawResponse.indexOf("\r\n\r\n");
        return blank < 0 ? "" : rawResponse.substring(blank + 4);
    }
}
