package dev.lakehouse.gateway.databricks.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The read-only guard against a hostile corpus: what passes must be a single query, everything else fails closed. */
class ReadOnlySqlGuardTest {

    private final ReadOnlySqlGuard guard = new ReadOnlySqlGuard(2);

    static Stream<String> allowed() {
        return Stream.of(
                "SELECT 1",
                "select * from samples.tpch.orders limit 10",
                "SELECT o_orderkey, o_totalprice FROM samples.tpch.orders WHERE o_orderdate >= '1995-01-01' ORDER BY 2 DESC LIMIT 5",
                "SELECT * FROM `samples`.`tpch`.`lineitem` LIMIT 3",
                "WITH t AS (SELECT 1 AS x) SELECT x FROM t",
                "WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM b",
                "SELECT 1 UNION ALL SELECT 2",
                "SELECT c_name FROM samples.tpch.customer WHERE c_custkey = :id",
                "SELECT ';DROP TABLE x' AS s",
                "SELECT 'DELETE FROM t' AS not_a_delete",
                "SELECT 1 /* ; DROP TABLE x */",
                "SELECT 1 -- ; DELETE FROM t",
                "SELECT 1;",
                "  SELECT\n  count(*)\nFROM samples.nyctaxi.trips  ",
                "SELECT n_name, count(*) FROM samples.tpch.nation GROUP BY n_name HAVING count(*) > 0",
                "SELECT * FROM (SELECT 1 AS a) sub",
                "SELECT CASE WHEN 1 = 1 THEN 'a' ELSE 'b' END",
                "SHOW TABLES",
                "SHOW DATABASES",
                "DESCRIBE samples.tpch.orders",
                "EXPLAIN SELECT * FROM samples.tpch.orders",
                "SELECT \"delete\" AS word");
    }

    static Stream<String> refused() {
        return Stream.of(
                // DML and DDL in every casing
                "DELETE FROM main.default.t",
                "delete from main.default.t where 1=1",
                "DeLeTe FrOm t",
                "INSERT INTO main.default.t VALUES (1)",
                "INSERT OVERWRITE TABLE t SELECT 1",
                "UPDATE t SET a = 1",
                "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.a = s.a",
                "DROP TABLE main.default.t",
                "DROP SCHEMA main.default CASCADE",
                "CREATE TABLE t (a INT)",
                "CREATE TABLE t AS SELECT 1",
                "CREATE OR REPLACE VIEW v AS SELECT 1",
                "ALTER TABLE t ADD COLUMN b INT",
                "TRUNCATE TABLE t",
                "GRANT SELECT ON TABLE t TO `someone`",
                "REVOKE SELECT ON TABLE t FROM `someone`",
                "COPY INTO t FROM '/tmp/x' FILEFORMAT = CSV",
                "OPTIMIZE main.default.t",
                "VACUUM main.default.t",
                "SET spark.sql.ansi.enabled = false",
                "USE CATALOG main",
                "USE main.default",
                "REFRESH TABLE t",
                "MSCK REPAIR TABLE t",
                "CALL system.do_something()",
                // several statements, however they are hidden
                "SELECT 1; DROP TABLE t",
                "SELECT 1; DELETE FROM t",
                "SELECT 1;\nDELETE FROM t;",
                "SELECT 1 -- comment\n; DROP TABLE t",
                "SELECT ';'; DROP TABLE t",
                "SELECT 1 /* x */ ; /* y */ UPDATE t SET a=1",
                // CTEs and selects that write
                "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
                "WITH u AS (UPDATE t SET a = 1 RETURNING a) SELECT * FROM u",
                "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
                "SELECT * INTO new_table FROM t",
                "SELECT * FROM t FOR UPDATE",
                "EXPLAIN DELETE FROM t",
                // JVM escape hatches of Spark SQL
                "SELECT reflect('java.lang.Runtime', 'getRuntime')",
                "SELECT java_method('java.lang.System', 'exit', 0)",
                "SELECT a FROM t WHERE a = java_method('java.lang.Math', 'abs', -1)",
                "SELECT 1 UNION SELECT reflect('java.lang.Thread', 'sleep', 1000)",
                // unicode tricks: lookalikes and invisible characters the engine might normalise
                "ＤＥＬＥＴＥ FROM t",
                "DEL\u200BETE FROM t",
                "SELECT 1\uFF1B DROP TABLE t",
                "SELECT 1; \u202EDROP TABLE t",
                "\uFEFFDELETE FROM t",
                // what the parser cannot classify is refused
                "",
                "   ",
                ";",
                "SELEC 1",
                "SELECT FROM WHERE",
                "/* only a comment */",
                "EXEC sp_configure",
                "BEGIN; DELETE FROM t; COMMIT;");
    }

    @ParameterizedTest
    @MethodSource("allowed")
    void readOnlyQueriesPass(String sql) {
        ReadOnlySqlGuard.Verdict verdict = guard.check(sql);
        assertThat(verdict.allowed()).as("%s -> %s", sql, verdict.reason()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("refused")
    void everythingElseIsRefusedWithAReason(String sql) {
        ReadOnlySqlGuard.Verdict verdict = guard.check(sql);
        assertThat(verdict.allowed()).as("%s must be refused", sql).isFalse();
        assertThat(verdict.reason()).isNotBlank().doesNotContain("Exception").doesNotContain("net.sf");
    }

    @Test
    void theCorpusIsLargeEnough() {
        assertThat(refused().count()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void reasonsTellTheModelWhatToDo() {
        assertThat(guard.check("DELETE FROM t").reason()).contains("read-only").contains("SELECT");
        assertThat(guard.check("SELECT 1; SELECT 2").reason()).contains("one statement");
    }
}
