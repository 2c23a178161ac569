package dev.lakehouse.emulator.files;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The files every workspace starts with (the same in each, documented in docs/emulator-files.md): small text
 * and CSV files to read whole, a binary PNG, a ~200 KB log for range reads and a 2 MiB DBFS file for the 1 MB
 * read cap. Every seeded entry carries the same fixed modification time so tests can assert it.
 */
final class SeedFiles {

    /** 2026-11-01T00:00:00Z. */
    static final long SEEDED_AT = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    static final int LOG_LINES = 5000;
    static final int BIG_BIN_BYTES = 2 * 1024 * 1024;
    static final int PNG_SIDE = 8;

    private SeedFiles() { }

    static void seedVolumes(FileTree tree) {
        String landing = "/Volumes/main/default/landing";
        tree.mkdirs(landing, SEEDED_AT);
        tree.mkdirs("/Volumes/main/default/exports", SEEDED_AT);
        put(tree, landing + "/README.txt",
                "Landing zone for partner drops.\nFiles older than 30 days are archived.\n");
        put(tree, landing + "/orders/2026-11-01.csv", """
                order_id,customer,amount
                1001,Acme Corp,250.00
                1002,Globex,99.50
                1003,Initech,1200.00
                1004,Umbrella,45.25
                1005,Hooli,310.75
                """);
        put(tree, landing + "/orders/2026-11-02.csv", """
                order_id,customer,amount
                1006,Acme Corp,75.00
                1007,Stark Industries,980.10
                1008,Globex,12.99
                """);
        tree.putFile(landing + "/images/logo.png", png(), SEEDED_AT);
        tree.putFile(landing + "/logs/app.log", appLog(), SEEDED_AT);
    }

    static void seedDbfs(FileTree tree) {
        tree.mkdirs("/", SEEDED_AT);
        put(tree, "/FileStore/README.md", "# FileStore\n\nFiles uploaded through the workspace UI land here.\n");
        put(tree, "/FileStore/tables/regions.csv",
                "r_regionkey,r_name\n0,AFRICA\n1,AMERICA\n2,ASIA\n3,EUROPE\n4,MIDDLE EAST\n");
        put(tree, "/databricks-datasets/README.md",
                "# Databricks datasets\n\nSample data sets, read-only, the same in every workspace.\n");
        tree.putFile("/FileStore/big.bin", bigBin(), SEEDED_AT);
    }

    private static void put(FileTree tree, String path, String text) {
        tree.putFile(path, text.getBytes(StandardCharsets.UTF_8), SEEDED_AT);
    }

    /** Line n (1-based) is {@code <2026-11-01T00:00:00Z + (n-1) s> INFO request <n> ok}. */
    static byte[] appLog() {
        StringBuilder log = new StringBuilder(LOG_LINES * 42);
        Instant start = Instant.ofEpochMilli(SEEDED_AT);
        for (int n = 1; n <= LOG_LINES; n++) {
            log.append(start.plusSeconds(n - 1L)).append(" INFO request ").append(n).append(" ok\n");
        }
        return log.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Byte i is {@code i % 251}: a prime period, so no read window lines up with a repeat of the pattern. */
    static byte[] bigBin() {
        byte[] bytes = new byte[BIG_BIN_BYTES];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i % 251);
        }
        return bytes;
    }

    /**
     * An 8x8 RGBA PNG (a colour gradient). Stored without compression so the bytes are the same on every JDK
     * (the zlib level 0 output does not depend on the deflater implementation) and the file is a few hundred
     * bytes, as a small logo would be.
     */
    static byte[] png() {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int y = 0; y < PNG_SIDE; y++) {
            raw.write(0); // filter type None
            for (int x = 0; x < PNG_SIDE; x++) {
                raw.write(x * 32);
                raw.write(y * 32);
                raw.write(255 - x * 16 - y * 16);
                raw.write(255);
            }
        }
        Deflater deflater = new Deflater(Deflater.NO_COMPRESSION);
        deflater.setInput(raw.toByteArray());
        deflater.finish();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        while (!deflater.finished()) {
            compressed.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer header = ByteBuffer.allocate(13).putInt(PNG_SIDE).putInt(PNG_SIDE)
                .put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0); // 8-bit RGBA, no interlace
        chunk(png, "IHDR", header.array());
        chunk(png, "IDAT", compressed.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
