package dev.lakehouse.emulator.vectorsearch;

/** A row that matched a query, with the score the result's last column carries. */
record ScoredRow(IndexedRow row, double score) { }
