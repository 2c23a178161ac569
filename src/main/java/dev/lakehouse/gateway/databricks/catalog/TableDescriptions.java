package dev.lakehouse.gateway.databricks.catalog;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.databricks.DatabricksShapes;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** describe_table: the table's own fields plus its columns (name, type, nullability, comment), nothing else. */
@Component("tableDescriptions")
public class TableDescriptions {

    private static final List<String> COLUMN_FIELDS = List.of("name", "type_text", "nullable", "comment", "partition_index");

    private final DatabricksShapes shapes;

    public TableDescriptions(DatabricksShapes shapes) {
        this.shapes = shapes;
    }

    public ObjectNode describe(Exchange exchange) {
        ObjectNode table = shapes.fields(exchange);
        ArrayNode columns = table.putArray("columns");
        for (JsonNode column : exchange.getVariable("dbResponse", JsonNode.class).path("columns")) {
            columns.add(shapes.pick(column, COLUMN_FIELDS));
        }
        return table;
    }
}
