package dev.lakehouse.emulator.vectorsearch;

import java.nio.charset.StandardCharsets;

/**
 * The emulator's stand-in for an embedding model: a signed, hashed bag of words (the "hashing trick"), L2-normalised.
 * Deterministic and dependency-free, and texts sharing words get a high cosine similarity, which is all a test of
 * ranking needs. Public so a test can compute the query_vector of a phrase itself.
 */
public final class HashedEmbedder {

    private final int dimension;

    public HashedEmbedder(int dimension) {
        if (dimension < 2) {
            throw new IllegalArgumentException("embedding dimension must be at least 2, was " + dimension);
        }
        this.dimension = dimension;
    }

    public int dimension() {
        return dimension;
    }

    /** The unit vector of the text; all zeros when the text has no terms. */
    public double[] embed(String text) {
        double[] vector = new double[dimension];
        for (String term : TextAnalyzer.terms(text)) {
            int hash = fnv1a(term);
            // the sign bit comes from another part of the hash than the bucket, so colliding terms cancel out
            // about as often as they add up instead of always inflating each other
            int bucket = Math.floorMod(hash, dimension);
            vector[bucket] += (hash >>> 31) == 0 ? 1.0 : -1.0;
        }
        return normalise(vector);
    }

    public static double[] normalise(double[] vector) {
        double norm = 0;
        for (double v : vector) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return vector;
        }
        double[] unit = new double[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = vector[i] / norm;
        }
        return unit;
    }

    /** Cosine similarity of two vectors of equal length; 0 when either is all zeros. */
    public static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** FNV-1a over the UTF-8 bytes, then Murmur3's finaliser so the low bits (the bucket) are well mixed too. */
    private static int fnv1a(String term) {
        int hash = 0x811c9dc5;
        for (byte b : term.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        hash ^= hash >>> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >>> 13;
        hash *= 0xc2b2ae35;
        hash ^= hash >>> 16;
        return hash;
    }
}
