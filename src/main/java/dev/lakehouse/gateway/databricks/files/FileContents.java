package dev.lakehouse.gateway.databricks.files;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.DatabricksCalls;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import dev.lakehouse.gateway.tools.rest.RestTools;
import io.modelcontextprotocol.spec.McpSchema;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The bytes of a volume file (Files API, a ranged read), a DBFS file (base64 in JSON) or an exported notebook, as an
 * agent can use them: text as text, an image as image content, other binary as a base64 resource; never more than
 * {@code gateway.tools.files.max-content-bytes}, and always with the sizes, whether it was cut, and the offset to
 * read on from. The data passes through: it is not kept or logged.
 */
@Component("fileContents")
public class FileContents {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Map<String, String> IMAGE_TYPES = Map.of("png", "image/png", "jpg", "image/jpeg",
            "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp");

    /** The length of a DBFS read that names none (the tool schema's default). */
    static final long DBFS_DEFAULT_LENGTH = 65536;

    private final int maxContentBytes;

    public FileContents(
            // most bytes of a file (or notebook source) one tool answer carries; the rest is read on with offset
            @Value("${gateway.tools.files.max-content-bytes}") int maxContentBytes) {
        this.maxContentBytes = maxContentBytes;
    }

    private static JsonNode args(Exchange exchange) {
        return exchange.getVariable("toolArguments", JsonNode.class);
    }

    /** read_volume_file: the bytes of the ranged GET /api/2.0/fs/files and what its headers say of the whole file. */
    public McpSchema.CallToolResult volumeFile(Exchange exchange) {
        byte[] bytes = exchange.getVariable(DatabricksCalls.RESPONSE_BYTES, byte[].class);
        JsonNode described = exchange.getVariable("dbResponse", JsonNode.class);
        @SuppressWarnings("unchecked")
        Map<String, Long> asked = exchange.getVariable(RestTools.RANGE, Map.class);
        long offset = asked == null ? 0 : asked.get("offset");
        Long total = null;
        Matcher range = CONTENT_RANGE.matcher(described.path("content_range").asText(""));
        if (range.matches()) {
            offset = Long.parseLong(range.group(1));
            total = range.group(3).equals("*") ? null : Long.parseLong(range.group(3));
        } else if (described.path("status").asInt() == 200) {
            // the whole file came back (a server that ignores Range): show it from the start
            offset = 0;
            total = (long) bytes.length;
        }
        return render(args(exchange).path("path").asText(), bytes, offset, total, described.path("content_type").asText(null), -1);
    }

    /** read_dbfs_file: GET /api/2.0/dbfs/read answers {bytes_read, data (base64)}. */
    public McpSchema.CallToolResult dbfsFile(Exchange exchange) {
        JsonNode answer = exchange.getVariable("dbResponse", JsonNode.class);
        byte[] bytes = decode(answer.path("data").asText(""));
        long offset = Math.max(0, args(exchange).path("offset").asLong(0));
        // DBFS does not say the file's size here: a read shorter than asked for ended at the end of the file
        return render(args(exchange).path("path").asText(), bytes, offset, null, null,
                args(exchange).path("length").asLong(DBFS_DEFAULT_LENGTH));
    }

    /** export_notebook: GET /api/2.0/workspace/export (format SOURCE) answers {content (base64), file_type}. */
    public McpSchema.CallToolResult notebook(Exchange exchange) {
        JsonNode answer = exchange.getVariable("dbResponse", JsonNode.class);
        byte[] source = decode(answer.path("content").asText(""));
        long offset = Math.max(0, args(exchange).path("offset").asLong(0));
        if (offset > source.length) {
            throw new ToolExecutionException("offset " + offset + " is past the end of the notebook source (" + source.length
                    + " bytes).");
        }
        byte[] from = java.util.Arrays.copyOfRange(source, (int) offset, source.length);
        return render(args(exchange).path("path").asText(), from, offset, (long) source.length, "text/plain", -1);
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ToolExecutionException("Databricks returned content that is not base64; the file cannot be shown.");
        }
    }

    /** At most the cap of the bytes read, as text, image or base64 resource, with sizes and where to go on. */
    McpSchema.CallToolResult render(String path, byte[] bytes, long offset, Long total, String contentType, long requested) {
        int shown = Math.min(bytes.length, maxContentBytes);
        byte[] part = shown == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, shown);
        long end = offset + shown;
        boolean more = total != null ? end < total : shown < bytes.length || bytes.length >= requested;
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("path", path);
        facts.put("offset", offset);
        facts.put("bytes_read", shown);
        if (total != null) {
            facts.put("file_size", total);
        }
        facts.put("truncated", more);
        if (more) {
            facts.put("next_offset", end);
        }
        String range = shown == 0 ? "no bytes" : "bytes " + offset + "-" + (end - 1);
        String of = total == null ? "" : " of " + total;
        String next = more ? " More follows: call again with offset=" + end + "." : "";
        String image = imageType(path);
        String text = image == null ? asText(part, more) : null;
        McpSchema.CallToolResult.Builder result = McpSchema.CallToolResult.builder();
        if (text != null) {
            facts.put("encoding", "text");
            result.addTextContent(path + ": " + range + of + " (text)." + next + "\n" + text);
        } else {
            String base64 = Base64.getEncoder().encodeToString(part);
            facts.put("encoding", "base64");
            facts.put("mime_type", image != null ? image : contentType == null || contentType.startsWith("text/")
                    ? "application/octet-stream" : contentType);
            result.addTextContent(path + ": " + range + of + " (binary, " + facts.get("mime_type") + ", attached as "
                    + (image != null ? "an image" : "a base64 resource") + ")." + next);
            result.addContent(image != null ? new McpSchema.ImageContent(null, base64, image)
                    : new McpSchema.EmbeddedResource(null, new McpSchema.BlobResourceContents(uri(path),
                            (String) facts.get("mime_type"), base64)));
        }
        return result.structuredContent(facts).isError(false).build();
    }

    private static String uri(String path) {
        return path.startsWith("/Volumes/") ? "file://" + path : "dbfs:" + path;
    }

    private static String imageType(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? null : IMAGE_TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** The bytes as UTF-8 text, or null when they are binary (a NUL, or not UTF-8 except a character cut at the end). */
    static String asText(byte[] bytes, boolean cut) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        int length = bytes.length;
        for (int trim = 0; trim <= (cut ? 3 : 0) && length - trim >= 0; trim++) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, 0, length - trim)).toString();
            } catch (CharacterCodingException e) {
                // a multi-byte character cut by the range: try without its first bytes
            }
        }
        return null;
    }
}
