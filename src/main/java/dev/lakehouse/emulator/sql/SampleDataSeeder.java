package dev.lakehouse.emulator.sql;

import java.sql.SQLException;
import java.util.List;

import dev.lakehouse.emulator.EmulatorProperties;

/**
 * Generates the workspace's data with DuckDB SQL only (no downloads, no extensions): a
 * {@code samples} catalog shaped like Databricks' (TPC-H tables and NYC taxi trips) and a writable
 * {@code main.default}. Values come from DuckDB's deterministic {@code hash()} of the row number,
 * so every workspace and every run sees the same rows.
 */
public final class SampleDataSeeder {

    private static final List<String> REGIONS = List.of("AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST");
    private static final String[][] NATIONS = {
        {"ALGERIA", "0"}, {"ARGENTINA", "1"}, {"BRAZIL", "1"}, {"CANADA", "1"}, {"EGYPT", "4"},
        {"ETHIOPIA", "0"}, {"FRANCE", "3"}, {"GERMANY", "3"}, {"INDIA", "2"}, {"INDONESIA", "2"},
        {"IRAN", "4"}, {"IRAQ", "4"}, {"JAPAN", "2"}, {"JORDAN", "4"}, {"KENYA", "0"},
        {"MOROCCO", "0"}, {"MOZAMBIQUE", "0"}, {"PERU", "1"}, {"CHINA", "2"}, {"ROMANIA", "3"},
        {"SAUDI ARABIA", "4"}, {"VIETNAM", "2"}, {"RUSSIA", "3"}, {"UNITED KINGDOM", "3"}, {"UNITED STATES", "1"}};

    /** A parameter or a returned column of a seeded function; the type is Databricks SQL text, e.g. {@code DECIMAL(10,2)}. */
    public record FunctionParam(String name, String type, String comment) { }

    /**
     * The Unity Catalog signature of a seeded DuckDB macro, which itself has no types: Unity Catalog reports these
     * parameter and return types. {@code returnType} is set for scalar functions, {@code returnColumns} for table
     * functions; {@code body} is the routine definition as Databricks would show it.
     */
    public record SeededFunction(String catalog, String schema, String name, String comment, List<FunctionParam> params,
                                 String returnType, List<FunctionParam> returnColumns, String body) {
        public boolean isTableFunction() {
            return returnColumns != null;
        }
    }

    /** The functions {@link #seed()} creates in main.default, with their types (kept next to the macros below). */
    public static final List<SeededFunction> FUNCTIONS = List.of(
            new SeededFunction("main", "default", "net_price", "Price after a fractional discount",
                    List.of(new FunctionParam("price", "DOUBLE", "List price"),
                            new FunctionParam("discount", "DOUBLE", "Discount as a fraction, e.g. 0.1 for 10%")),
                    "DOUBLE", null, "price * (1 - discount)"),
            new SeededFunction("main", "default", "employees_in_department", "Employees of one department, by its name",
                    List.of(new FunctionParam("dept", "STRING", "Department name, e.g. Engineering")),
                    null, List.of(new FunctionParam("emp_id", "BIGINT", null), new FunctionParam("name", "STRING", null),
                            new FunctionParam("salary", "DECIMAL(10,2)", null), new FunctionParam("hired_on", "DATE", null)),
                    "SELECT e.emp_id, e.full_name AS name, e.salary, e.hired_on FROM main.default.employees e "
                            + "JOIN main.default.departments d USING (dept_id) WHERE d.dept_name = dept ORDER BY e.emp_id"));

    private final DuckDbEngine engine;
    private final EmulatorProperties.Data config;

    public SampleDataSeeder(DuckDbEngine engine, EmulatorProperties.Data config) {
        this.engine = engine;
        this.config = config;
    }

    public void seed() throws SQLException {
        engine.createCatalog("samples");
        engine.createCatalog("main");
        String samples = DuckDbEngine.quote(engine.names().toDuck("samples"));
        String main = DuckDbEngine.quote(engine.names().toDuck("main"));
        engine.execute("CREATE SCHEMA " + samples + ".tpch");
        engine.execute("CREATE SCHEMA " + samples + ".nyctaxi");
        engine.execute("CREATE SCHEMA " + main + ".\"default\"");
        seedTpch(samples + ".tpch");
        seedTaxi(samples + ".nyctaxi");
        seedMain(main + ".\"default\"");
    }

    private void seedTpch(String s) throws SQLException {
        double sf = config.getTpchScaleFactor();
        long suppliers = Math.max(10, Math.round(10_000 * sf));
        long customers = Math.max(10, Math.round(150_000 * sf));
        long parts = Math.max(10, Math.round(200_000 * sf));
        long orders = Math.max(10, Math.round(1_500_000 * sf));

        StringBuilder regions = new StringBuilder();
        for (int i = 0; i < REGIONS.size(); i++) {
            regions.append(i == 0 ? "" : ",").append("(").append(i).append(",'").append(REGIONS.get(i)).append("')");
        }
        engine.execute("CREATE TABLE " + s + ".region AS SELECT CAST(k AS BIGINT) AS r_regionkey, n AS r_name, "
                + "'region ' || lower(n) || ' of the sample data' AS r_comment FROM (VALUES " + regions + ") v(k, n)");
        StringBuilder nations = new StringBuilder();
        for (int i = 0; i < NATIONS.length; i++) {
            nations.append(i == 0 ? "" : ",").append("(").append(i).append(",'").append(NATIONS[i][0]).append("',")
                    .append(NATIONS[i][1]).append(")");
        }
        engine.execute("CREATE TABLE " + s + ".nation AS SELECT CAST(k AS BIGINT) AS n_nationkey, n AS n_name, "
                + "CAST(r AS BIGINT) AS n_regionkey, 'nation ' || lower(n) AS n_comment FROM (VALUES " + nations + ") v(k, n, r)");
        engine.execute("CREATE TABLE " + s + ".supplier AS SELECT i AS s_suppkey, "
                + "'Supplier#' || lpad(i::VARCHAR, 9, '0') AS s_name, "
                + "'Street ' || (hash(i, 1) % 1000)::VARCHAR AS s_address, "
                + "CAST(hash(i, 2) % 25 AS BIGINT) AS s_nationkey, "
                + phone("i", 3) + " AS s_phone, "
                + "CAST((CAST(hash(i, 4) % 1099998 AS BIGINT) - 99999) / 100.0 AS DECIMAL(18,2)) AS s_acctbal, "
                + "'supplier comment ' || (hash(i, 5) % 97)::VARCHAR AS s_comment "
                + "FROM range(1, " + (suppliers + 1) + ") t(i)");
        engine.execute("CREATE TABLE " + s + ".customer AS SELECT i AS c_custkey, "
                + "'Customer#' || lpad(i::VARCHAR, 9, '0') AS c_name, "
                + "'Avenue ' || (hash(i, 11) % 5000)::VARCHAR AS c_address, "
                + "CAST(hash(i, 12) % 25 AS BIGINT) AS c_nationkey, "
                + phone("i", 13) + " AS c_phone, "
                + "CAST((CAST(hash(i, 14) % 1099998 AS BIGINT) - 99999) / 100.0 AS DECIMAL(18,2)) AS c_acctbal, "
                + "['AUTOMOBILE','BUILDING','FURNITURE','HOUSEHOLD','MACHINERY'][1 + (hash(i, 15) % 5)::INT] AS c_mktsegment, "
                + "'customer comment ' || (hash(i, 16) % 89)::VARCHAR AS c_comment "
                + "FROM range(1, " + (customers + 1) + ") t(i)");
        engine.execute("CREATE TABLE " + s + ".part AS SELECT i AS p_partkey, "
                + "['almond','antique','blue','burlywood','chiffon','coral','forest','ivory','linen','navy'][1 + (hash(i, 21) % 10)::INT]"
                + " || ' ' || ['lace','metallic','powder','rose','smoke','spring','steel','thistle'][1 + (hash(i, 22) % 8)::INT] AS p_name, "
                + "'Manufacturer#' || (1 + hash(i, 23) % 5)::VARCHAR AS p_mfgr, "
                + "'Brand#' || (1 + hash(i, 23) % 5)::VARCHAR || (1 + hash(i, 24) % 5)::VARCHAR AS p_brand, "
                + "['STANDARD','SMALL','MEDIUM','LARGE','ECONOMY','PROMO'][1 + (hash(i, 25) % 6)::INT] || ' ' || "
                + "['ANODIZED','BURNISHED','PLATED','POLISHED','BRUSHED'][1 + (hash(i, 26) % 5)::INT] || ' ' || "
                + "['TIN','NICKEL','BRASS','STEEL','COPPER'][1 + (hash(i, 27) % 5)::INT] AS p_type, "
                + "CAST(1 + hash(i, 28) % 50 AS INT) AS p_size, "
                + "['SM','LG','MED','JUMBO','WRAP'][1 + (hash(i, 29) % 5)::INT] || ' ' || "
                + "['CASE','BOX','BAG','JAR','PKG','PACK','CAN','DRUM'][1 + (hash(i, 30) % 8)::INT] AS p_container, "
                + "CAST(900 + (i % 1000) + (i % 20001) / 100.0 AS DECIMAL(18,2)) AS p_retailprice, "
                + "'part comment ' || (hash(i, 31) % 83)::VARCHAR AS p_comment "
                + "FROM range(1, " + (parts + 1) + ") t(i)");
        // lineitem first: orders carry the total of their lines
        engine.execute("CREATE TABLE " + s + ".lineitem AS SELECT o AS l_orderkey, "
                + "CAST(1 + hash(o, j, 41) % " + parts + " AS BIGINT) AS l_partkey, "
                + "CAST(1 + hash(o, j, 42) % " + suppliers + " AS BIGINT) AS l_suppkey, "
                + "CAST(j + 1 AS INT) AS l_linenumber, "
                + "CAST(1 + hash(o, j, 43) % 50 AS DECIMAL(18,2)) AS l_quantity, "
                + "CAST((1 + hash(o, j, 43) % 50) * (900 + hash(o, j, 44) % 1100) / 1.0 AS DECIMAL(18,2)) AS l_extendedprice, "
                + "CAST((hash(o, j, 45) % 11) / 100.0 AS DECIMAL(18,2)) AS l_discount, "
                + "CAST((hash(o, j, 46) % 9) / 100.0 AS DECIMAL(18,2)) AS l_tax, "
                + "CASE WHEN od + sd > DATE '1995-06-17' THEN 'N' WHEN hash(o, j, 47) % 2 = 0 THEN 'R' ELSE 'A' END AS l_returnflag, "
                + "CASE WHEN od + sd > DATE '1995-06-17' THEN 'O' ELSE 'F' END AS l_linestatus, "
                + "od + sd AS l_shipdate, od + CAST(30 + hash(o, j, 48) % 61 AS INT) AS l_commitdate, "
                + "od + sd + CAST(1 + hash(o, j, 49) % 30 AS INT) AS l_receiptdate, "
                + "['DELIVER IN PERSON','COLLECT COD','NONE','TAKE BACK RETURN'][1 + (hash(o, j, 50) % 4)::INT] AS l_shipinstruct, "
                + "['REG AIR','AIR','RAIL','SHIP','TRUCK','MAIL','FOB'][1 + (hash(o, j, 51) % 7)::INT] AS l_shipmode, "
                + "'line comment ' || (hash(o, j, 52) % 79)::VARCHAR AS l_comment "
                + "FROM (SELECT o, j, DATE '1992-01-01' + CAST(hash(o, 61) % 2405 AS INT) AS od, "
                + "CAST(1 + hash(o, j, 53) % 121 AS INT) AS sd "
                + "FROM range(1, " + (orders + 1) + ") a(o), range(0, 7) b(j) WHERE j < 1 + hash(o, 62) % 7) x "
                + "ORDER BY l_orderkey, l_linenumber");
        engine.execute("CREATE TABLE " + s + ".orders AS SELECT o AS o_orderkey, "
                + "CAST(1 + hash(o, 63) % " + customers + " AS BIGINT) AS o_custkey, "
                + "CASE WHEN od > DATE '1995-06-17' THEN 'O' WHEN od < DATE '1995-01-01' THEN 'F' ELSE 'P' END AS o_orderstatus, "
                + "CAST(l.total AS DECIMAL(18,2)) AS o_totalprice, od AS o_orderdate, "
                + "['1-URGENT','2-HIGH','3-MEDIUM','4-NOT SPECIFIED','5-LOW'][1 + (hash(o, 64) % 5)::INT] AS o_orderpriority, "
                + "'Clerk#' || lpad((1 + hash(o, 65) % 1000)::VARCHAR, 9, '0') AS o_clerk, "
                + "CAST(0 AS INT) AS o_shippriority, 'order comment ' || (hash(o, 66) % 71)::VARCHAR AS o_comment "
                + "FROM (SELECT o, DATE '1992-01-01' + CAST(hash(o, 61) % 2405 AS INT) AS od FROM range(1, " + (orders + 1) + ") t(o)) x "
                + "JOIN (SELECT l_orderkey, sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)) AS total "
                + "FROM " + s + ".lineitem GROUP BY l_orderkey) l ON l.l_orderkey = x.o ORDER BY o_orderkey");
        comment(s + ".region", "TPC-H regions (emulated sample data)");
        comment(s + ".nation", "TPC-H nations (emulated sample data)");
        comment(s + ".supplier", "TPC-H suppliers (emulated sample data)");
        comment(s + ".customer", "TPC-H customers (emulated sample data)");
        comment(s + ".part", "TPC-H parts (emulated sample data)");
        comment(s + ".orders", "TPC-H orders (emulated sample data)");
        comment(s + ".lineitem", "TPC-H order lines (emulated sample data)");
    }

    private void seedTaxi(String s) throws SQLException {
        engine.execute("CREATE TABLE " + s + ".trips AS SELECT pickup AS tpep_pickup_datetime, "
                + "pickup + to_seconds(CAST(120 + hash(i, 72) % 3000 AS BIGINT)) AS tpep_dropoff_datetime, "
                + "round(0.3 + (hash(i, 73) % 2000) / 100.0, 2)::DOUBLE AS trip_distance, "
                + "round(2.5 + (hash(i, 74) % 6000) / 100.0, 2)::DOUBLE AS fare_amount, "
                + "CAST(10001 + hash(i, 75) % 300 AS INT) AS pickup_zip, "
                + "CAST(10001 + hash(i, 76) % 300 AS INT) AS dropoff_zip "
                + "FROM (SELECT i, TIMESTAMP '2016-01-01 00:00:00' + to_seconds(CAST(hash(i, 71) % 5184000 AS BIGINT)) AS pickup "
                + "FROM range(0, " + config.getNyctaxiTrips() + ") t(i)) x ORDER BY tpep_pickup_datetime");
        comment(s + ".trips", "New York City yellow taxi trips, January-February 2016 (emulated sample data)");
    }

    private void seedMain(String s) throws SQLException {
        engine.execute("CREATE TABLE " + s + ".departments (dept_id INT NOT NULL, dept_name VARCHAR, location VARCHAR)");
        engine.execute("INSERT INTO " + s + ".departments VALUES (1, 'Engineering', 'Berlin'), (2, 'Sales', 'New York'), "
                + "(3, 'Finance', 'London'), (4, 'Marketing', 'Paris'), (5, 'Support', 'Lisbon')");
        engine.execute("CREATE TABLE " + s + ".employees AS SELECT CAST(i AS BIGINT) AS emp_id, "
                + "['Ada','Grace','Alan','Edsger','Barbara','Donald','Frances','John','Margaret','Ken'][1 + (i % 10)::INT] "
                + "|| ' ' || ['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Allen','Backus','Hamilton','Thompson'][1 + (hash(i, 81) % 10)::INT] AS full_name, "
                + "CAST(1 + hash(i, 82) % 5 AS INT) AS dept_id, "
                + "CAST(40000 + hash(i, 83) % 80000 AS DECIMAL(10,2)) AS salary, "
                + "DATE '2015-01-01' + CAST(hash(i, 84) % 3000 AS INT) AS hired_on, "
                + "hash(i, 85) % 4 <> 0 AS active "
                + "FROM range(1, 51) t(i)");
        engine.execute("CREATE VIEW " + s + ".department_headcount AS SELECT d.dept_name, count(*) AS headcount "
                + "FROM " + s + ".employees e JOIN " + s + ".departments d USING (dept_id) GROUP BY d.dept_name");
        // DuckDB macros are untyped: the casts give the result the type FUNCTIONS declares (Databricks casts the
        // arguments of a typed SQL function to its parameter types before the body runs).
        engine.execute("CREATE MACRO " + s + ".net_price(price, discount) AS CAST(price AS DOUBLE) * (1 - CAST(discount AS DOUBLE))");
        engine.execute("CREATE MACRO " + s + ".employees_in_department(dept) AS TABLE SELECT e.emp_id, e.full_name AS name, "
                + "e.salary, e.hired_on FROM " + s + ".employees e JOIN " + s + ".departments d USING (dept_id) "
                + "WHERE d.dept_name = CAST(dept AS VARCHAR) ORDER BY e.emp_id");
        comment(s + ".departments", "Departments of the demo company");
        comment(s + ".employees", "Employees of the demo company (writable demo table)");
        engine.execute("COMMENT ON COLUMN " + s + ".employees.salary IS 'Yearly gross salary in EUR'");
    }

    private void comment(String table, String text) throws SQLException {
        engine.execute("COMMENT ON TABLE " + table + " IS '" + text.replace("'", "''") + "'");
    }

    private static String phone(String key, int salt) {
        return "(10 + hash(" + key + ", " + salt + ") % 25)::VARCHAR || '-' || lpad((hash(" + key + ", " + (salt + 100)
                + ") % 1000)::VARCHAR, 3, '0') || '-' || lpad((hash(" + key + ", " + (salt + 200)
                + ") % 10000)::VARCHAR, 4, '0')";
    }
}
