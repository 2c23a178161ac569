package dev.lakehouse.emulator.lineage;

import java.util.List;

import dev.lakehouse.emulator.lineage.LineageGraph.ColumnEdge;
import dev.lakehouse.emulator.lineage.LineageGraph.Table;
import dev.lakehouse.emulator.lineage.LineageGraph.TableEdge;
import dev.lakehouse.emulator.lineage.LineageGraph.TableType;
import dev.lakehouse.emulator.workspaceapi.WorkspaceTree;

/**
 * The lineage the seeded notebooks would have recorded: the Headcount notebook built the view
 * main.default.department_headcount from employees and departments; the Daily revenue notebook
 * wrote main.default.daily_revenue (a nominal table: lineage names it, the catalog does not hold it)
 * from samples.tpch.orders and lineitem; the seeded job "Revenue by region" read orders.
 */
final class SeededLineage {

    /** The job id of "Revenue by region", the first job JobCatalog seeds (FIRST_JOB_ID). */
    static final long REVENUE_BY_REGION_JOB_ID = 700_000_000_001L;

    static final Table EMPLOYEES = new Table("main.default.employees", TableType.TABLE);
    static final Table DEPARTMENTS = new Table("main.default.departments", TableType.TABLE);
    static final Table HEADCOUNT = new Table("main.default.department_headcount", TableType.VIEW);
    static final Table ORDERS = new Table("samples.tpch.orders", TableType.TABLE);
    static final Table LINEITEM = new Table("samples.tpch.lineitem", TableType.TABLE);
    static final Table DAILY_REVENUE = new Table("main.default.daily_revenue", TableType.TABLE);

    /** Lineage timestamps as the service prints them (UTC, tenths of a second). */
    private static final String HEADCOUNT_RUN = "2025-01-06 11:00:00.0";
    private static final String REVENUE_RUN = "2025-01-06 10:00:00.0";
    private static final String JOB_RUN = "2025-01-07 06:00:00.0";

    private SeededLineage() { }

    static LineageGraph build(String workspaceName) {
        long headcountNotebook = WorkspaceTree.objectIdOf(workspaceName, WorkspaceTree.HEADCOUNT);
        long revenueNotebook = WorkspaceTree.objectIdOf(workspaceName, WorkspaceTree.DAILY_REVENUE);
        LineageGraph graph = new LineageGraph();
        graph.add(new TableEdge(EMPLOYEES, HEADCOUNT, List.of(headcountNotebook), List.of(), HEADCOUNT_RUN));
        graph.add(new TableEdge(DEPARTMENTS, HEADCOUNT, List.of(headcountNotebook), List.of(), HEADCOUNT_RUN));
        graph.add(new TableEdge(ORDERS, DAILY_REVENUE, List.of(revenueNotebook), List.of(), REVENUE_RUN));
        graph.add(new TableEdge(LINEITEM, DAILY_REVENUE, List.of(revenueNotebook), List.of(), REVENUE_RUN));
        graph.add(new TableEdge(ORDERS, null, List.of(), List.of(REVENUE_BY_REGION_JOB_ID), JOB_RUN));

        graph.add(new ColumnEdge(DEPARTMENTS, "dept_name", HEADCOUNT, "dept_name", HEADCOUNT_RUN));
        graph.add(new ColumnEdge(EMPLOYEES, "emp_id", HEADCOUNT, "headcount", HEADCOUNT_RUN));
        graph.add(new ColumnEdge(ORDERS, "o_orderdate", DAILY_REVENUE, "order_date", REVENUE_RUN));
        graph.add(new ColumnEdge(LINEITEM, "l_extendedprice", DAILY_REVENUE, "revenue", REVENUE_RUN));
        graph.add(new ColumnEdge(LINEITEM, "l_discount", DAILY_REVENUE, "revenue", REVENUE_RUN));
        return graph;
    }
}
