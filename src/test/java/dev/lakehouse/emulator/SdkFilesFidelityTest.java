package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.StreamSupport;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksError;
import com.databricks.sdk.core.error.platform.AlreadyExists;
import com.databricks.sdk.core.error.platform.InvalidParameterValue;
import com.databricks.sdk.core.error.platform.NotFound;
import com.databricks.sdk.core.error.platform.PermissionDenied;
import com.databricks.sdk.core.error.platform.ResourceDoesNotExist;
import com.databricks.sdk.service.files.DirectoryEntry;
import com.databricks.sdk.service.files.DownloadResponse;
import com.databricks.sdk.service.files.FileInfo;
import com.databricks.sdk.service.files.GetMetadataResponse;
import com.databricks.sdk.service.files.ListDirectoryContentsRequest;
import com.databricks.sdk.service.files.ReadDbfsRequest;
import com.databricks.sdk.service.files.ReadResponse;
import com.databricks.sdk.service.files.UploadRequest;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Drives the emulated Files API and DBFS through the official SDK ({@code w.files()}, {@code w.dbfs()}) and,
 * for what the SDK cannot send (Range headers, HEAD bodies, odd paths), over raw HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class SdkFilesFidelityTest {

    private static final String LANDING = "/Volumes/main/default/landing";
    private static final long SEEDED_AT = 1793491200000L; // 2026-11-01T00:00:00Z
    private static final String SEEDED_HTTP_DATE = "Sun, 01 Nov 2026 00:00:00 GMT";
    private static final int APP_LOG_SIZE = 208_893;
    private static final String README = "Landing zone for partner drops.\nFiles older than 30 days are archived.\n";

    private EmulatorServer server;
    private Workspace acme;
    private WorkspaceClient w;

    @BeforeAll
    void start() {
        EmulatorProperties properties = EmulatorFixture.fastProperties();
        // small pages, so the four entries of the landing root take two pages by default
        properties.getFiles().setDirectoryPageSize(3);
        properties.getFiles().setMaxDirectoryPageSize(3);
        server = new EmulatorServer(properties).start();
        acme = server.workspace("acme");
        w = EmulatorFixture.patClient(acme);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    // ---- Files API through the SDK -------------------------------------------------------------

    @Test
    void listsTheLandingVolumeAcrossPages() {
        List<DirectoryEntry> entries = list(LANDING);
        assertThat(entries).extracting(DirectoryEntry::getPath).containsExactly(
                LANDING + "/README.txt", LANDING + "/images/", LANDING + "/logs/", LANDING + "/orders/");
        DirectoryEntry readme = entries.get(0);
        assertThat(readme.getName()).isEqualTo("README.txt");
        assertThat(readme.getIsDirectory()).isFalse();
        assertThat(readme.getFileSize()).isEqualTo(README.length());
        assertThat(readme.getLastModified()).isEqualTo(SEEDED_AT);
        DirectoryEntry orders = entries.get(3);
        assertThat(orders.getName()).isEqualTo("orders");
        assertThat(orders.getIsDirectory()).isTrue();
        assertThat(orders.getFileSize()).isNull();

        assertThat(list(LANDING + "/orders")).extracting(DirectoryEntry::getName)
                .containsExactly("2026-11-01.csv", "2026-11-02.csv");
        assertThat(list("/Volumes/main/default/exports")).isEmpty();
        // page size 1: the SDK follows next_page_token through all four pages
        Iterable<DirectoryEntry> byOne = w.files().listDirectoryContents(
                new ListDirectoryContentsRequest().setDirectoryPath(LANDING).setPageSize(1L));
        assertThat(StreamSupport.stream(byOne.spliterator(), false).map(DirectoryEntry::getName).toList())
                .containsExactly("README.txt", "images", "logs", "orders");
    }

    @Test
    void downloadsFilesByteForByte() throws Exception {
        DownloadResponse readme = w.files().download(LANDING + "/README.txt");
        try (InputStream in = readme.getContents()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(README);
        }
        assertThat(readme.getContentLength()).isEqualTo(README.length());
        assertThat(readme.getContentType()).isEqualTo("application/octet-stream");
        assertThat(readme.getLastModified()).isEqualTo(SEEDED_HTTP_DATE);

        String orders = text(w.files().download(LANDING + "/orders/2026-11-01.csv"));
        assertThat(orders.split("\n")).hasSize(6).startsWith("order_id,customer,amount");
        assertThat(text(w.files().download(LANDING + "/orders/2026-11-02.csv")).split("\n")).hasSize(4);

        byte[] png;
        try (InputStream in = w.files().download(LANDING + "/images/logo.png").getContents()) {
            png = in.readAllBytes();
        }
        assertThat(png.length).isBetween(200, 1000);
        assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(8);

        String log = text(w.files().download(LANDING + "/logs/app.log"));
        assertThat(log).hasSize(APP_LOG_SIZE).startsWith("2026-11-01T00:00:00Z INFO request 1 ok\n")
                .endsWith("2026-11-01T01:23:19Z INFO request 5000 ok\n");
    }

    @Test
    void metadataComesInHeaders() {
        GetMetadataResponse log = w.files().getMetadata(LANDING + "/logs/app.log");
        assertThat(log.getContentLength()).isEqualTo(APP_LOG_SIZE);
        assertThat(log.getContentType()).isEqualTo("application/octet-stream");
        assertThat(log.getLastModified()).isEqualTo(SEEDED_HTTP_DATE);
        // the sizes docs/emulator-files.md promises
        assertThat(w.files().getMetadata(LANDING + "/README.txt").getContentLength()).isEqualTo(71);
        assertThat(w.files().getMetadata(LANDING + "/orders/2026-11-01.csv").getContentLength()).isEqualTo(124);
        assertThat(w.files().getMetadata(LANDING + "/orders/2026-11-02.csv").getContentLength()).isEqualTo(93);
        assertThat(w.files().getMetadata(LANDING + "/images/logo.png").getContentLength()).isEqualTo(332);
        assertThat(w.dbfs().getStatus("/FileStore/README.md").getFileSize()).isEqualTo(64);
        assertThat(w.dbfs().getStatus("/FileStore/tables/regions.csv").getFileSize()).isEqualTo(68);
        assertThat(w.dbfs().getStatus("/databricks-datasets/README.md").getFileSize()).isEqualTo(81);
        w.files().getDirectoryMetadata(LANDING + "/orders");
        w.files().getDirectoryMetadata("/Volumes/main/default/exports");
    }

    @Test
    void unknownPathsAndWrongKindsAreNotFound() {
        assertThatThrownBy(() -> w.files().download(LANDING + "/nope.txt"))
                .isInstanceOf(NotFound.class).hasMessageContaining("The file being accessed is not found.")
                .extracting(e -> ((DatabricksError) e).getErrorCode()).isEqualTo("NOT_FOUND");
        // a directory on the files endpoint, a file on the directories endpoint: both simply not found
        assertThatThrownBy(() -> w.files().download(LANDING + "/orders")).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> list(LANDING + "/README.txt")).isInstanceOf(NotFound.class)
                .hasMessageContaining("The directory being accessed is not found.");
        assertThatThrownBy(() -> w.files().getMetadata(LANDING + "/nope.txt")).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> w.files().getDirectoryMetadata(LANDING + "/README.txt")).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> w.files().download("/Volumes/main/default/nosuchvolume/a.txt"))
                .isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> w.files().download("/FileStore/README.md"))
                .isInstanceOf(InvalidParameterValue.class);
        assertThatThrownBy(() -> w.files().download("/Volumes/main/default"))
                .isInstanceOf(InvalidParameterValue.class);
    }

    @Test
    void uploadOverwriteAndDelete() throws Exception {
        String path = "/Volumes/main/default/exports/sdk/new/report.txt";
        w.files().upload(new UploadRequest().setFilePath(path).setContents(stream("first")));
        assertThat(text(w.files().download(path))).isEqualTo("first");
        assertThat(list("/Volumes/main/default/exports/sdk")).extracting(DirectoryEntry::getPath)
                .containsExactly("/Volumes/main/default/exports/sdk/new/");
        w.files().upload(new UploadRequest().setFilePath(path).setContents(stream("second")));
        assertThat(text(w.files().download(path))).isEqualTo("second");
        assertThatThrownBy(() -> w.files().upload(
                new UploadRequest().setFilePath(path).setContents(stream("third")).setOverwrite(false)))
                .isInstanceOf(AlreadyExists.class);
        assertThatThrownBy(() -> w.files().deleteDirectory("/Volumes/main/default/exports/sdk/new"))
                .isInstanceOf(DatabricksError.class)
                .extracting(e -> ((DatabricksError) e).getStatusCode()).isEqualTo(400);
        w.files().delete(path);
        assertThatThrownBy(() -> w.files().download(path)).isInstanceOf(NotFound.class);
        w.files().deleteDirectory("/Volumes/main/default/exports/sdk/new");
        w.files().deleteDirectory("/Volumes/main/default/exports/sdk");
        assertThat(list("/Volumes/main/default/exports")).isEmpty();
        w.files().createDirectory(new com.databricks.sdk.service.files.CreateDirectoryRequest()
                .setDirectoryPath("/Volumes/main/default/exports/made/deep"));
        w.files().getDirectoryMetadata("/Volumes/main/default/exports/made/deep");
        w.files().deleteDirectory("/Volumes/main/default/exports/made/deep");
        w.files().deleteDirectory("/Volumes/main/default/exports/made");
    }

    // ---- Files API over raw HTTP: ranges, HEAD, odd paths --------------------------------------

    @Test
    void rangeRequestsAnswer206WithTheExactBytes() throws Exception {
        HttpResponse<byte[]> first = raw("GET", "/api/2.0/fs/files" + LANDING + "/logs/app.log", "bytes=0-38");
        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(new String(first.body(), StandardCharsets.US_ASCII)).isEqualTo("2026-11-01T00:00:00Z INFO request 1 ok\n");
        assertThat(first.headers().firstValue("Content-Range")).hasValue("bytes 0-38/" + APP_LOG_SIZE);
        assertThat(first.headers().firstValue("Content-Length")).hasValue("39");

        HttpResponse<byte[]> suffix = raw("GET", "/api/2.0/fs/files" + LANDING + "/logs/app.log", "bytes=-42");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(new String(suffix.body(), StandardCharsets.US_ASCII)).isEqualTo("2026-11-01T01:23:19Z INFO request 5000 ok\n");
        assertThat(suffix.headers().firstValue("Content-Range"))
                .hasValue("bytes " + (APP_LOG_SIZE - 42) + "-" + (APP_LOG_SIZE - 1) + "/" + APP_LOG_SIZE);

        HttpResponse<byte[]> open = raw("GET", "/api/2.0/fs/files" + LANDING + "/README.txt", "bytes=32-");
        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(new String(open.body(), StandardCharsets.UTF_8)).isEqualTo("Files older than 30 days are archived.\n");
        assertThat(open.headers().firstValue("Content-Range")).hasValue("bytes 32-70/71");

        HttpResponse<byte[]> clamped = raw("GET", "/api/2.0/fs/files" + LANDING + "/README.txt", "bytes=64-5000");
        assertThat(clamped.statusCode()).isEqualTo(206);
        assertThat(new String(clamped.body(), StandardCharsets.UTF_8)).isEqualTo("hived.\n");

        HttpResponse<byte[]> beyond = raw("GET", "/api/2.0/fs/files" + LANDING + "/README.txt", "bytes=71-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */71");
        JsonNode error = EmulatorFixture.JSON.readTree(beyond.body());
        assertThat(error.path("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");

        // a header that is not a single byte range is ignored: the whole file, 200
        HttpResponse<byte[]> ignored = raw("GET", "/api/2.0/fs/files" + LANDING + "/README.txt", "bytes=0-1,5-6");
        assertThat(ignored.statusCode()).isEqualTo(200);
        assertThat(ignored.body()).hasSize(71);
        assertThat(ignored.headers().firstValue("Last-Modified")).hasValue(SEEDED_HTTP_DATE);
    }

    @Test
    void headAnswersCarryHeadersAndNoBody() throws Exception {
        HttpResponse<byte[]> head = raw("HEAD", "/api/2.0/fs/files" + LANDING + "/logs/app.log", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(APP_LOG_SIZE));
        assertThat(head.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(head.body()).isEmpty();
        HttpResponse<byte[]> missing = raw("HEAD", "/api/2.0/fs/files" + LANDING + "/nope", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEmpty();
    }

    @Test
    void dotSegmentsAndPathsOutsideVolumesAre400() throws Exception {
        for (String path : List.of(LANDING + "/../exports/x", LANDING + "/%2E%2E/README.txt", LANDING + "/./README.txt",
                "/tmp/README.txt")) {
            HttpResponse<byte[]> reply = raw("GET", "/api/2.0/fs/files" + path, null);
            assertThat(reply.statusCode()).as(path).isEqualTo(400);
            assertThat(EmulatorFixture.JSON.readTree(reply.body()).path("error_code").asText())
                    .isEqualTo("INVALID_PARAMETER_VALUE");
        }
        HttpResponse<byte[]> list = raw("GET", "/api/2.0/fs/directories" + LANDING + "?page_size=2", null);
        JsonNode page = EmulatorFixture.JSON.readTree(list.body());
        assertThat(page.path("contents")).hasSize(2);
        assertThat(page.path("next_page_token").asText()).isNotEmpty();
        HttpResponse<byte[]> forged = raw("GET", "/api/2.0/fs/directories" + LANDING + "?page_token=bogus", null);
        assertThat(forged.statusCode()).isEqualTo(400);
    }

    // ---- DBFS ----------------------------------------------------------------------------------

    @Test
    void dbfsListsAndStats() {
        List<FileInfo> root = new ArrayList<>();
        w.dbfs().list("/").forEach(root::add);
        assertThat(root).extracting(FileInfo::getPath).containsExactly("/FileStore", "/databricks-datasets");
        assertThat(root.get(0).getIsDir()).isTrue();
        assertThat(root.get(0).getFileSize()).isZero();

        List<FileInfo> fileStore = new ArrayList<>();
        w.dbfs().list("dbfs:/FileStore/").forEach(fileStore::add);
        assertThat(fileStore).extracting(FileInfo::getPath)
                .containsExactly("/FileStore/README.md", "/FileStore/big.bin", "/FileStore/tables");

        FileInfo big = w.dbfs().getStatus("/FileStore/big.bin");
        assertThat(big.getIsDir()).isFalse();
        assertThat(big.getFileSize()).isEqualTo(2L * 1024 * 1024);
        assertThat(big.getModificationTime()).isEqualTo(SEEDED_AT);
        assertThat(w.dbfs().getStatus("/FileStore/tables").getIsDir()).isTrue();

        List<FileInfo> single = new ArrayList<>();
        w.dbfs().list("/FileStore/tables/regions.csv").forEach(single::add);
        assertThat(single).extracting(FileInfo::getPath).containsExactly("/FileStore/tables/regions.csv");

        assertThatThrownBy(() -> w.dbfs().getStatus("/FileStore/nope"))
                .isInstanceOf(ResourceDoesNotExist.class).hasMessageContaining("/FileStore/nope");
        assertThatThrownBy(() -> w.dbfs().list("/nope")).isInstanceOf(ResourceDoesNotExist.class);
        assertThatThrownBy(() -> w.dbfs().list(LANDING)).isInstanceOf(PermissionDenied.class);
    }

    @Test
    void dbfsReadsWithOffsetLengthAndTheOneMegabyteCap() {
        ReadResponse part = w.dbfs().read(new ReadDbfsRequest().setPath("/FileStore/big.bin").setOffset(1000L).setLength(100L));
        assertThat(part.getBytesRead()).isEqualTo(100);
        byte[] bytes = Base64.getDecoder().decode(part.getData());
        assertThat(bytes).hasSize(100);
        for (int k = 0; k < bytes.length; k++) {
            assertThat(bytes[k] & 0xff).isEqualTo((1000 + k) % 251);
        }
        ReadResponse whole = w.dbfs().read("/FileStore/README.md");
        assertThat(new String(Base64.getDecoder().decode(whole.getData()), StandardCharsets.UTF_8))
                .isEqualTo("# FileStore\n\nFiles uploaded through the workspace UI land here.\n");
        ReadResponse cap = w.dbfs().read(new ReadDbfsRequest().setPath("/FileStore/big.bin").setLength(1048576L));
        assertThat(cap.getBytesRead()).isEqualTo(1048576);
        ReadResponse tail = w.dbfs().read(new ReadDbfsRequest().setPath("/FileStore/big.bin")
                .setOffset(2L * 1024 * 1024 - 10).setLength(100L));
        assertThat(tail.getBytesRead()).isEqualTo(10);
        ReadResponse past = w.dbfs().read(new ReadDbfsRequest().setPath("/FileStore/big.bin").setOffset(5_000_000L));
        assertThat(past.getBytesRead()).isZero();

        assertThatThrownBy(() -> w.dbfs().read(new ReadDbfsRequest().setPath("/FileStore/big.bin").setLength(1048577L)))
                .isInstanceOf(DatabricksError.class)
                .satisfies(e -> {
                    assertThat(((DatabricksError) e).getErrorCode()).isEqualTo("MAX_READ_SIZE_EXCEEDED");
                    assertThat(((DatabricksError) e).getStatusCode()).isEqualTo(400);
                });
        assertThatThrownBy(() -> w.dbfs().read("/FileStore/tables")).isInstanceOf(InvalidParameterValue.class);
        assertThatThrownBy(() -> w.dbfs().read(new ReadDbfsRequest().setPath("/FileStore/big.bin").setOffset(-1L)))
                .isInstanceOf(InvalidParameterValue.class);
        assertThatThrownBy(() -> w.dbfs().read("/FileStore/missing.bin")).isInstanceOf(ResourceDoesNotExist.class)
                .extracting(e -> ((DatabricksError) e).getStatusCode()).isEqualTo(404);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private List<DirectoryEntry> list(String path) {
        return StreamSupport.stream(w.files().listDirectoryContents(path).spliterator(), false).toList();
    }

    private static String text(DownloadResponse response) throws Exception {
        try (InputStream in = response.getContents()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> raw(String method, String pathAndQuery, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(acme.url() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + EmulatorFixture.pat(acme))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (range != null) {
            b.header("Range", range);
        }
        return EmulatorFixture.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
