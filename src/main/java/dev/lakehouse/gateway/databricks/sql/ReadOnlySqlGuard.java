package dev.lakehouse.gateway.databricks.sql;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;

import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.DescribeStatement;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.ShowColumnsStatement;
import net.sf.jsqlparser.statement.ShowStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.show.ShowTablesStatement;
import net.sf.jsqlparser.util.deparser.ExpressionDeParser;
import net.sf.jsqlparser.util.deparser.SelectDeParser;
import net.sf.jsqlparser.util.deparser.StatementDeParser;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Decides whether a SQL text is a single read-only query, by parsing it (JSqlParser) — never by keyword lists.
 * Allowed: SELECT (with CTEs and set operations), SHOW, DESCRIBE and EXPLAIN of a query. Refused: everything else,
 * more than one statement, SELECT ... INTO / FOR UPDATE, CTEs that wrap DML, functions that reach the JVM, and any
 * text the parser cannot classify (fail closed).
 */
@Component("readOnlySqlGuard")
public class ReadOnlySqlGuard {

    /** Spark SQL functions that call arbitrary JVM methods: never from a read-only session. */
    private static final Set<String> DENIED_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect");

    /** Longest a parse may take before the statement is refused (a pathological text must not hold a call). */
    private static final int PARSE_TIMEOUT_MS = 2000;

    /**
     * JSqlParser runs each parse on an executor so that it can give up after the timeout. Left to itself it makes a
     * new single-thread executor per parse: one platform thread per execute_sql, hundreds under a burst of agents.
     * One small shared pool instead, sized by gateway.databricks.sql.parser-threads.
     */
    private final ExecutorService parsers;

    /** The outcome: allowed, or refused with a reason written for the model. */
    public record Verdict(boolean allowed, String reason) {
        static Verdict allow() {
            return new Verdict(true, null);
        }

        static Verdict refuse(String reason) {
            return new Verdict(false, reason);
        }
    }

    public ReadOnlySqlGuard(@Value("${gateway.databricks.sql.parser-threads:4}") int parserThreads) {
        AtomicInteger count = new AtomicInteger();
        this.parsers = Executors.newFixedThreadPool(Math.max(1, parserThreads), task -> {
            Thread thread = new Thread(task, "sql-parser-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        parsers.shutdownNow();
    }

    public Verdict check(String sql) {
        if (sql == null || sql.isBlank()) {
            return Verdict.refuse("The statement is empty.");
        }
        Statements statements;
        try {
            statements = CCJSqlParserUtil.parseStatements(sql, parsers, parser -> parser.withTimeOut(PARSE_TIMEOUT_MS));
        } catch (JSQLParserException | RuntimeException e) {
            return Verdict.refuse("The statement could not be parsed as a read-only query, so it is refused "
                    + "(read-only mode fails closed). Use plain SELECT, SHOW, DESCRIBE or EXPLAIN.");
        }
        List<Statement> list = statements == null ? List.of() : statements;
        if (list.isEmpty()) {
            return Verdict.refuse("The statement is empty.");
        }
        if (list.size() > 1) {
            return Verdict.refuse("Only one statement per call is allowed in read-only mode; got " + list.size() + ".");
        }
        try {
            return classify(list.get(0));
        } catch (RuntimeException e) {
            // a parse tree we do not understand is not a read-only query we can vouch for
            return Verdict.refuse("The statement could not be classified as a read-only query, so it is refused.");
        }
    }

    private Verdict classify(Statement statement) {
        if (statement instanceof Select select) {
            return checkSelect(select);
        }
        if (statement instanceof ExplainStatement explain) {
            Statement inner = explain.getStatement();
            return inner instanceof Select select ? checkSelect(select)
                    : Verdict.refuse("EXPLAIN is only allowed for queries in read-only mode.");
        }
        if (statement instanceof ShowStatement || statement instanceof ShowTablesStatement
                || statement instanceof ShowColumnsStatement || statement instanceof DescribeStatement) {
            return Verdict.allow();
        }
        return Verdict.refuse("This connection is read-only: " + kind(statement)
                + " statements are not allowed. Only SELECT, SHOW, DESCRIBE and EXPLAIN run here.");
    }

    private Verdict checkSelect(Select select) {
        if (select.getWithItemsList() != null) {
            for (WithItem<?> item : select.getWithItemsList()) {
                Object body = item.getParenthesedStatement();
                if (!(body instanceof Select)) {
                    return Verdict.refuse("A WITH clause that wraps a data-changing statement is not allowed in read-only mode.");
                }
            }
        }
        if (select instanceof PlainSelect plain) {
            if (plain.getIntoTables() != null && !plain.getIntoTables().isEmpty()) {
                return Verdict.refuse("SELECT ... INTO writes a table and is not allowed in read-only mode.");
            }
            if (plain.getForMode() != null) {
                return Verdict.refuse("SELECT ... FOR UPDATE/SHARE takes locks and is not allowed in read-only mode.");
            }
        }
        if (select instanceof SetOperationList setOperations) {
            for (Select part : setOperations.getSelects()) {
                Verdict verdict = checkSelect(part);
                if (!verdict.allowed()) {
                    return verdict;
                }
            }
        }
        String denied = deniedFunction(select);
        if (denied != null) {
            return Verdict.refuse("The function " + denied + " calls into the JVM and is not allowed in read-only mode.");
        }
        return Verdict.allow();
    }

    /** Walks every expression of the query (deparsing visits them all) looking for a denied function. */
    private static String deniedFunction(Select select) {
        String[] found = new String[1];
        StringBuilder sink = new StringBuilder();
        ExpressionDeParser expressions = new ExpressionDeParser() {
            @Override
            public <S> StringBuilder visit(Function function, S context) {
                String name = function.getName() == null ? "" : function.getName().toLowerCase(Locale.ROOT);
                String simple = name.substring(name.lastIndexOf('.') + 1).replace("`", "");
                if (DENIED_FUNCTIONS.contains(simple)) {
                    found[0] = simple;
                }
                return super.visit(function, context);
            }
        };
        SelectDeParser selects = new SelectDeParser(expressions, sink);
        expressions.setSelectVisitor(selects);
        expressions.setBuilder(sink);
        new StatementDeParser(expressions, selects, sink).visit(select);
        return found[0];
    }

    private static String kind(Statement statement) {
        String name = statement.getClass().getSimpleName().replace("Statement", "");
        return name.isEmpty() ? "this" : name.toUpperCase(Locale.ROOT);
    }
}
