package dev.lakehouse.gateway.tools.rest;

import java.lang.reflect.Method;
import java.util.Arrays;

import dev.lakehouse.gateway.tools.ToolCatalog;
import dev.lakehouse.gateway.tools.ToolCatalogException;
import dev.lakehouse.gateway.tools.ToolDefinition;
import dev.lakehouse.gateway.tools.rest.RestDeclaration.BeanStep;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/**
 * Makes route {@code tool-<name>} from template {@code rest-tool} for every declared REST tool, so a tool that is
 * one Databricks call needs no route file. The bean steps a declaration names are checked before Camel starts: a
 * missing bean or method stops startup, naming the tool and the field, as every other catalog mistake does.
 */
@Component
public class RestToolRoutes implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RestToolRoutes.class);
    static final String TEMPLATE = "rest-tool";

    private final ToolCatalog catalog;
    private final ApplicationContext beans;

    public RestToolRoutes(ToolCatalog catalog, ApplicationContext beans) {
        this.catalog = catalog;
        this.beans = beans;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        for (ToolDefinition tool : catalog.all().values()) {
            if (tool.rest() != null) {
                check(tool, tool.rest(), "rest");
            }
        }
    }

    private void check(ToolDefinition tool, RestDeclaration rest, String field) {
        checkStep(tool, rest.check(), field + ".check");
        checkStep(tool, rest.refusal(), field + ".refusal");
        checkStep(tool, rest.shape(), field + ".shape");
        if (rest.whenGiven() != null) {
            check(tool, rest.whenGiven(), field + ".when.use");
        }
    }

    private void checkStep(ToolDefinition tool, BeanStep step, String field) {
        if (step == null) {
            return;
        }
        if (!beans.containsBean(step.bean())) {
            throw new ToolCatalogException("Tool catalog " + tool.source() + ": field '" + field + "' names bean '"
                    + step.bean() + "', which does not exist");
        }
        Class<?> type = beans.getType(step.bean());
        boolean found = type != null && Arrays.stream(type.getMethods()).map(Method::getName).anyMatch(step.method()::equals);
        if (!found) {
            throw new ToolCatalogException("Tool catalog " + tool.source() + ": field '" + field + "' names method '"
                    + step.method() + "', which bean '" + step.bean() + "' does not have");
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        int made = 0;
        for (ToolDefinition tool : catalog.all().values()) {
            RestDeclaration rest = tool.rest();
            if (rest == null) {
                continue;
            }
            // a when-variant runs through the same route: only its request and projection differ
            TemplatedRouteBuilder builder = TemplatedRouteBuilder.builder(camelContext, TEMPLATE)
                    .routeId(ToolDefinition.routeIdOf(tool.name()))
                    .parameter("tool", ToolDefinition.routeNameOf(tool.name()));
            parameter(builder, "check", rest.check());
            parameter(builder, "refusal", rest.refusal());
            parameter(builder, "shape", rest.shape());
            builder.add();
            made++;
        }
        LOG.info("declared REST tools: {} routes made from template {}", made, TEMPLATE);
    }

    private static void parameter(TemplatedRouteBuilder builder, String name, BeanStep step) {
        if (step != null) {
            builder.parameter(name + "Bean", step.bean()).parameter(name + "Method", step.method());
        }
    }
}
