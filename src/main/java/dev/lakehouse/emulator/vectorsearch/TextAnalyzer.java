package dev.lakehouse.emulator.vectorsearch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits text into lower-case terms for the emulated embedding and keyword search: stop words are dropped (they
 * would drown the few buckets of a small embedding) and a crude suffix stripping folds "tokens", "rotating" and
 * "rotated" onto one term, so a question and a document phrased differently still meet.
 */
public final class TextAnalyzer {

    private static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "if",
            "in", "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "so", "that", "the", "their",
            "them", "then", "there", "these", "this", "to", "was", "we", "what", "when", "where", "which", "who",
            "why", "will", "with", "you", "your");

    private TextAnalyzer() { }

    public static List<String> terms(String text) {
        List<String> terms = new ArrayList<>();
        if (text == null) {
            return terms;
        }
        for (String raw : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (raw.isEmpty() || STOP_WORDS.contains(raw)) {
                continue;
            }
            terms.add(stem(raw));
        }
        return terms;
    }

    /**
     * Strips a few English suffixes and a final 'e', so "rotate", "rotates", "rotated" and "rotating" all become
     * "rotat"; good enough to match plural and verb forms, not a real stemmer.
     */
    static String stem(String word) {
        String stem = word;
        if (stem.length() > 5 && stem.endsWith("ing")) {
            stem = stem.substring(0, stem.length() - 3);
        } else if (stem.length() > 4 && stem.endsWith("ed")) {
            stem = stem.substring(0, stem.length() - 2);
        } else if (stem.length() > 4 && stem.endsWith("ies")) {
            stem = stem.substring(0, stem.length() - 3) + "y";
        } else if (stem.length() > 3 && stem.endsWith("s") && !stem.endsWith("ss")) {
            stem = stem.substring(0, stem.length() - 1);
        }
        if (stem.length() > 4 && stem.endsWith("e")) {
            stem = stem.substring(0, stem.length() - 1);
        }
        return stem;
    }
}
