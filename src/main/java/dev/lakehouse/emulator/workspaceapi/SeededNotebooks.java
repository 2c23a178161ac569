package dev.lakehouse.emulator.workspaceapi;

/**
 * The text of the seeded notebooks and files. Notebook sources are in the SOURCE export format:
 * a "Databricks notebook source" header line, then cells separated by "COMMAND ----------" lines,
 * both written as comments of the notebook's language.
 */
final class SeededNotebooks {

    /** Big enough to pass a lowered export cap, far below the real 10 MB: about 300 KB. */
    static final int BIG_NOTEBOOK_MIN_CHARS = 300 * 1024;

    private static final String PY_CELL = "\n\n# COMMAND ----------\n\n";
    private static final String SQL_CELL = "\n\n-- COMMAND ----------\n\n";
    private static final String SCALA_CELL = "\n\n// COMMAND ----------\n\n";

    private SeededNotebooks() { }

    static String dailyRevenue() {
        return "# Databricks notebook source\n"
                + "# MAGIC %md\n"
                + "# MAGIC # Daily revenue\n"
                + "# MAGIC Net revenue per order date, from samples.tpch.orders and samples.tpch.lineitem."
                + PY_CELL
                + "revenue = spark.sql(\"\"\"\n"
                + "SELECT o.o_orderdate AS order_date, sum(l.l_extendedprice * (1 - l.l_discount)) AS revenue\n"
                + "FROM samples.tpch.orders o JOIN samples.tpch.lineitem l ON l.l_orderkey = o.o_orderkey\n"
                + "GROUP BY o.o_orderdate\n"
                + "\"\"\")"
                + PY_CELL
                + "revenue.write.mode(\"overwrite\").saveAsTable(\"main.default.daily_revenue\")"
                + PY_CELL
                + "display(spark.table(\"main.default.daily_revenue\").orderBy(\"order_date\", ascending=False).limit(30))\n";
    }

    static String headcount() {
        return "-- Databricks notebook source\n"
                + "-- MAGIC %md\n"
                + "-- MAGIC # Headcount\n"
                + "-- MAGIC Employees per department, kept as the view main.default.department_headcount."
                + SQL_CELL
                + "CREATE OR REPLACE VIEW main.default.department_headcount AS\n"
                + "SELECT d.dept_name, count(*) AS headcount\n"
                + "FROM main.default.employees e JOIN main.default.departments d USING (dept_id)\n"
                + "GROUP BY d.dept_name"
                + SQL_CELL
                + "SELECT * FROM main.default.department_headcount ORDER BY headcount DESC\n";
    }

    static String scratch() {
        return "// Databricks notebook source\n"
                + "val employees = spark.table(\"main.default.employees\")"
                + SCALA_CELL
                + "display(employees.groupBy(\"dept_id\").count())\n";
    }

    static String readme() {
        return "# Reports\n\n"
                + "Notebooks that build the reporting tables:\n\n"
                + "- `Daily revenue` (Python): net revenue per order date into main.default.daily_revenue\n"
                + "- `Headcount` (SQL): the view main.default.department_headcount\n";
    }

    /** Deterministic cells, appended until the source reaches {@link #BIG_NOTEBOOK_MIN_CHARS}. */
    static String bigNotebook() {
        StringBuilder source = new StringBuilder("# Databricks notebook source\n# MAGIC %md\n# MAGIC # Big notebook\n"
                + "# MAGIC Many small cells, to exercise export size limits.");
        for (int cell = 1; source.length() < BIG_NOTEBOOK_MIN_CHARS; cell++) {
            source.append(PY_CELL)
                    .append("# cell ").append(cell).append('\n')
                    .append("value_").append(cell).append(" = sum(i * i for i in range(").append(cell).append("))\n")
                    .append("print(f\"cell ").append(cell).append(": {value_").append(cell).append("}\")");
        }
        return source.append('\n').toString();
    }
}
