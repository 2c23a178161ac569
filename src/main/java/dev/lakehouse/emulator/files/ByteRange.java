package dev.lakehouse.emulator.files;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A single {@code Range: bytes=...} request (RFC 9110 section 14): {@code a-b}, {@code a-} or the suffix
 * {@code -n}. A header that is absent, malformed, of another unit or asks for several ranges is ignored (the
 * whole file is served with 200), as the RFC allows; a well-formed range no byte of the file satisfies is
 * {@link Unsatisfiable} (416).
 */
record ByteRange(long first, long last) {

    private static final Pattern SINGLE = Pattern.compile("^\\s*bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*$",
            Pattern.CASE_INSENSITIVE);

    /** A well-formed range beyond the end of the file. */
    static final class Unsatisfiable extends Exception {
        Unsatisfiable() {
            super(null, null, false, false);
        }
    }

    long length() {
        return last - first + 1;
    }

    /** The range to serve of a file of {@code size} bytes, or null to serve it whole. */
    static ByteRange parse(String header, long size) throws Unsatisfiable {
        if (header == null) {
            return null;
        }
        Matcher m = SINGLE.matcher(header);
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    throw new Unsatisfiable();
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            long first = Long.parseLong(m.group(1));
            boolean openEnded = m.group(2).isEmpty();
            long last = openEnded ? Long.MAX_VALUE : Long.parseLong(m.group(2));
            if (last < first) {
                return null; // syntactically invalid: ignored
            }
            if (first >= size) {
                throw new Unsatisfiable();
            }
            return new ByteRange(first, Math.min(last, size - 1));
        } catch (NumberFormatException e) {
            return null; // more digits than a long holds: treated as malformed
        }
    }
}
