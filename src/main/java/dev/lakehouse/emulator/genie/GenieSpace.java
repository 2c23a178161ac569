package dev.lakehouse.emulator.genie;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.Json;

/**
 * A seeded Genie space and how it "answers": a few phrases it recognises (case-insensitive) map to the SQL it
 * writes; anything else gets a text answer saying what it can do. Deterministic, so tests can rely on it.
 */
record GenieSpace(String id, String title, String description, String warehouseId, List<Phrase> phrases, String help) {

    /** A recognised phrase: the SQL Genie writes for it, what it says about it, and the query's title. */
    record Phrase(String contains, String title, String description, String sql, String text) { }

    /** What Genie makes of a question: text, maybe a query, or a failure; slow questions take longer. */
    record Plan(String text, Phrase query, boolean fails, boolean slow) { }

    Plan plan(String question) {
        String q = question.toLowerCase(Locale.ROOT);
        boolean slow = q.contains("slow");
        if (q.contains("fail")) {
            return new Plan(null, null, true, slow);
        }
        for (Phrase phrase : phrases) {
            if (q.contains(phrase.contains())) {
                return new Plan(phrase.text(), phrase, false, slow);
            }
        }
        return new Plan(help, null, false, slow);
    }

    ObjectNode toJson() {
        ObjectNode space = Json.obj();
        space.put("space_id", id);
        space.put("title", title);
        space.put("description", description);
        space.put("warehouse_id", warehouseId);
        return space;
    }

    /** The two spaces every workspace has (docs/emulator-genie.md). */
    static List<GenieSpace> seeded(String warehouseId) {
        return List.of(
                new GenieSpace("01f0a1b2c3d4e5f60718293a4b5c6d7e", "HR analytics",
                        "Headcount and departments of the company (main.default)", warehouseId, List.of(
                                new Phrase("how many employees", "Number of employees", "Counts the employees",
                                        "SELECT count(*) AS employees FROM main.default.employees",
                                        "Here is the number of employees in main.default.employees."),
                                new Phrase("headcount", "Headcount by department",
                                        "Employees per department, largest first",
                                        "SELECT dept_name, headcount FROM main.default.department_headcount ORDER BY headcount DESC",
                                        "Here is the headcount of each department."),
                                new Phrase("all employees", "All employees", "Every employee with all columns",
                                        "SELECT * FROM main.default.employees ORDER BY emp_id", "Here are all employees.")),
                        "I can answer questions about employees and departments: how many employees there are, the "
                                + "headcount by department, or a list of all employees."),
                new GenieSpace("01f0a1b2c3d4e5f60718293a4b5c6d7f", "Sales (TPC-H)",
                        "Orders, customers and line items from samples.tpch", warehouseId, List.of(
                                new Phrase("how many orders", "Number of orders", "Counts the orders",
                                        "SELECT count(*) AS orders FROM samples.tpch.orders",
                                        "Here is the number of orders in samples.tpch.orders.")),
                        "I can answer questions about the TPC-H sales data, for example how many orders there are."));
    }
}
