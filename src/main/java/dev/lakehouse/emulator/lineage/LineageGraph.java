package dev.lakehouse.emulator.lineage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The seeded lineage of a workspace: which table (or view) was built from which, by which notebook,
 * and which column from which. Names are full three-part names in lower case.
 */
final class LineageGraph {

    /** Lineage API table types: TABLE for tables, VIEW for views. */
    enum TableType { TABLE, VIEW }

    /** A table as lineage names it. */
    record Table(String fullName, TableType type) {
        String catalog() { return part(0); }
        String schema() { return part(1); }
        String name() { return part(2); }

        private String part(int i) {
            return fullName.split("\\.")[i];
        }
    }

    /**
     * The downstream was written from the upstream (by the given notebooks and jobs); a null downstream is a
     * read with no target table, which the API reports as an entry with entity infos only.
     */
    record TableEdge(Table upstream, Table downstream, List<Long> notebookIds, List<Long> jobIds, String timestamp) { }

    /** The downstream column was computed from the upstream column. */
    record ColumnEdge(Table upstream, String upstreamColumn, Table downstream, String downstreamColumn, String timestamp) { }

    private final List<TableEdge> tableEdges = new ArrayList<>();
    private final List<ColumnEdge> columnEdges = new ArrayList<>();

    void add(TableEdge edge) {
        tableEdges.add(edge);
    }

    void add(ColumnEdge edge) {
        columnEdges.add(edge);
    }

    /** Every table the graph names, including nominal ones the catalog does not hold. */
    Set<String> tables() {
        Set<String> names = new TreeSet<>();
        for (TableEdge edge : tableEdges) {
            names.add(edge.upstream().fullName());
            if (edge.downstream() != null) {
                names.add(edge.downstream().fullName());
            }
        }
        return names;
    }

    List<TableEdge> upstreamsOf(String table) {
        String name = table.toLowerCase(Locale.ROOT);
        return tableEdges.stream().filter(e -> e.downstream() != null && e.downstream().fullName().equals(name)).toList();
    }

    List<TableEdge> downstreamsOf(String table) {
        String name = table.toLowerCase(Locale.ROOT);
        return tableEdges.stream().filter(e -> e.upstream().fullName().equals(name)).toList();
    }

    List<ColumnEdge> upstreamColumnsOf(String table, String column) {
        String name = table.toLowerCase(Locale.ROOT);
        return columnEdges.stream().filter(e -> e.downstream().fullName().equals(name)
                && e.downstreamColumn().equalsIgnoreCase(column)).toList();
    }

    List<ColumnEdge> downstreamColumnsOf(String table, String column) {
        String name = table.toLowerCase(Locale.ROOT);
        return columnEdges.stream().filter(e -> e.upstream().fullName().equals(name)
                && e.upstreamColumn().equalsIgnoreCase(column)).toList();
    }
}
