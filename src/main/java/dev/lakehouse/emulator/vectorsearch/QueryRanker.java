package dev.lakehouse.emulator.vectorsearch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranks the rows of an index for a query, deterministically:
 * <ul>
 * <li>ANN: {@code 1 / (1 + d²)} with d the L2 distance of the unit query and row embeddings, the similarity score
 * Databricks reports for L2 indexes; it falls as the cosine falls, so the order is the cosine order;</li>
 * <li>FULL_TEXT: BM25 over the query columns; rows without a query term do not match;</li>
 * <li>HYBRID: reciprocal rank fusion of the ANN ranking and the BM25 ranking, as the real hybrid search does.</li>
 * </ul>
 * Filters apply before ranking; ties go to the smaller primary key so pages are stable.
 */
final class QueryRanker {

    // the usual BM25 constants: term-frequency saturation and document-length normalisation
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private final HashedEmbedder embedder;
    private final int rankConstant;

    QueryRanker(HashedEmbedder embedder, int rankConstant) {
        this.embedder = embedder;
        this.rankConstant = rankConstant;
    }

    /** All rows passing filter and threshold, best first, at most num_results of them. */
    List<ScoredRow> rank(SearchIndex index, IndexQuery query) {
        List<IndexedRow> candidates = index.rows().stream().filter(query.filter()).toList();
        Comparator<ScoredRow> order = Comparator.comparingDouble(ScoredRow::score).reversed()
                .thenComparing(s -> s.row(), byPrimaryKey(index.primaryKey()));
        List<ScoredRow> ranked = switch (query.type()) {
            case ANN -> vectorScores(candidates, query);
            case FULL_TEXT -> keywordScores(index, candidates, query);
            case HYBRID -> fused(index, candidates, query, order);
        };
        return ranked.stream()
                .filter(s -> s.score() >= query.scoreThreshold())
                .sorted(order)
                .limit(query.numResults())
                .toList();
    }

    private List<ScoredRow> vectorScores(List<IndexedRow> rows, IndexQuery query) {
        double[] q = query.queryVector() != null
                ? HashedEmbedder.normalise(query.queryVector())
                : embedder.embed(query.queryText());
        List<ScoredRow> scored = new ArrayList<>();
        for (IndexedRow row : rows) {
            double distanceSquared = 0;
            for (int i = 0; i < q.length; i++) {
                double d = q[i] - row.embedding()[i];
                distanceSquared += d * d;
            }
            scored.add(new ScoredRow(row, 1.0 / (1.0 + distanceSquared)));
        }
        return scored;
    }

    private List<ScoredRow> keywordScores(SearchIndex index, List<IndexedRow> rows, IndexQuery query) {
        Set<String> queryTerms = new HashSet<>(TextAnalyzer.terms(query.queryText()));
        // corpus statistics over the whole index, so a filter does not change how rare a word is
        // identity maps: rows are unique objects and record equality would hash every value of every row
        Map<IndexedRow, List<String>> documents = new IdentityHashMap<>();
        for (IndexedRow row : index.rows()) {
            List<String> terms = new ArrayList<>();
            query.queryColumns().forEach(c -> terms.addAll(row.termsByColumn().getOrDefault(c, List.of())));
            documents.put(row, terms);
        }
        double averageLength = documents.values().stream().mapToInt(List::size).average().orElse(1);
        Map<String, Integer> documentFrequency = new HashMap<>();
        for (List<String> terms : documents.values()) {
            new HashSet<>(terms).forEach(t -> documentFrequency.merge(t, 1, Integer::sum));
        }
        int n = documents.size();
        List<ScoredRow> scored = new ArrayList<>();
        for (IndexedRow row : rows) {
            List<String> terms = documents.get(row);
            double score = 0;
            for (String term : queryTerms) {
                long tf = terms.stream().filter(term::equals).count();
                if (tf == 0) {
                    continue;
                }
                int df = documentFrequency.getOrDefault(term, 0);
                double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
                score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * terms.size() / Math.max(averageLength, 1)));
            }
            if (score > 0) {
                scored.add(new ScoredRow(row, score));
            }
        }
        return scored;
    }

    private List<ScoredRow> fused(SearchIndex index, List<IndexedRow> rows, IndexQuery query, Comparator<ScoredRow> order) {
        List<ScoredRow> byVector = vectorScores(rows, query).stream().sorted(order).toList();
        List<ScoredRow> byKeyword = keywordScores(index, rows, query).stream().sorted(order).toList();
        Map<IndexedRow, Double> fused = new IdentityHashMap<>();
        for (int i = 0; i < byVector.size(); i++) {
            fused.merge(byVector.get(i).row(), 1.0 / (rankConstant + i + 1), Double::sum);
        }
        for (int i = 0; i < byKeyword.size(); i++) {
            fused.merge(byKeyword.get(i).row(), 1.0 / (rankConstant + i + 1), Double::sum);
        }
        List<ScoredRow> scored = new ArrayList<>();
        fused.forEach((row, score) -> scored.add(new ScoredRow(row, score)));
        return scored;
    }

    private static Comparator<IndexedRow> byPrimaryKey(String primaryKey) {
        return (a, b) -> {
            Object x = a.value(primaryKey);
            Object y = b.value(primaryKey);
            if (x instanceof Number nx && y instanceof Number ny) {
                return Double.compare(nx.doubleValue(), ny.doubleValue());
            }
            return String.valueOf(x).compareTo(String.valueOf(y));
        };
    }
}
