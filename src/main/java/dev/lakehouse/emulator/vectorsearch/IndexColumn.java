package dev.lakehouse.emulator.vectorsearch;

/** A column of an index schema, typed with the names the real schema_json uses ({@code int}, {@code string}, ...). */
record IndexColumn(String name, String type) {

    boolean numeric() {
        return type.equals("int") || type.equals("bigint") || type.equals("float") || type.equals("double");
    }

    boolean text() {
        return type.equals("string");
    }

    boolean vector() {
        return type.startsWith("array<");
    }
}
