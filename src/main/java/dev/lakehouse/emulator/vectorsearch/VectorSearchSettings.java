package dev.lakehouse.emulator.vectorsearch;

/** Knobs of the emulated VectorSearch API, bound from properties {@code emulator.vector-search.*}. */
public class VectorSearchSettings {
}
