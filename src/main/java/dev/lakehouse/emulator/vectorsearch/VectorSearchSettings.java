package dev.lakehouse.emulator.vectorsearch;

/** Knobs of the emulated VectorSearch API, bound from properties {@code emulator.vector-search.*}. */
public class VectorSearchSettings {

    /** Length of the hashed bag-of-words embeddings of the seeded index; query vectors must have it too. */
    private int dimension = 16;
    /** Rows per query result page; a larger num_results is split and continued with query-next-page. */
    private int pageSize = 10;
    /** Endpoints or indexes per page of the two list calls. */
    private int listPageSize = 25;
    /** Largest num_results of an ANN query (the real service caps it at 10 000). */
    private int maxNumResults = 10_000;
    /** Largest num_results of a HYBRID or FULL_TEXT query (the real service returns at most 200). */
    private int maxKeywordNumResults = 200;
    /** Longest query_text accepted, in characters. */
    private int maxQueryTextLength = 8_192;
    /** Rank constant of the reciprocal rank fusion that blends vector and keyword ranks in HYBRID queries. */
    private int hybridRankConstant = 60;

    public int getDimension() { return dimension; }
    public void setDimension(int dimension) { this.dimension = dimension; }
    public int getPageSize() { return pageSize; }
    public void setPageSize(int pageSize) { this.pageSize = pageSize; }
    public int getListPageSize() { return listPageSize; }
    public void setListPageSize(int listPageSize) { this.listPageSize = listPageSize; }
    public int getMaxNumResults() { return maxNumResults; }
    public void setMaxNumResults(int maxNumResults) { this.maxNumResults = maxNumResults; }
    public int getMaxKeywordNumResults() { return maxKeywordNumResults; }
    public void setMaxKeywordNumResults(int maxKeywordNumResults) { this.maxKeywordNumResults = maxKeywordNumResults; }
    public int getMaxQueryTextLength() { return maxQueryTextLength; }
    public void setMaxQueryTextLength(int maxQueryTextLength) { this.maxQueryTextLength = maxQueryTextLength; }
    public int getHybridRankConstant() { return hybridRankConstant; }
    public void setHybridRankConstant(int hybridRankConstant) { this.hybridRankConstant = hybridRankConstant; }
}
