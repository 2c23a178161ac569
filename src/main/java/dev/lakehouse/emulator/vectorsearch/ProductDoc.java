package dev.lakehouse.emulator.vectorsearch;

/** One row of the seeded product documentation index. */
record ProductDoc(int id, String title, String body, String category, double price) { }
