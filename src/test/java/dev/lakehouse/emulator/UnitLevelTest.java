package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lakehouse.emulator.admin.LoopbackGuard;
import dev.lakehouse.emulator.auth.Pkce;
import dev.lakehouse.emulator.http.ApiFamily;
import dev.lakehouse.emulator.sql.CatalogNames;
import dev.lakehouse.emulator.sql.DuckTypeMapper;
import dev.lakehouse.emulator.sql.SqlTranslator;
import dev.lakehouse.emulator.sql.SqlType;

/** Pure functions: loopback predicate, type mapping, SQL translation, PKCE, API families. */
class UnitLevelTest {

    @Test
    void loopbackPredicate() throws Exception {
        assertThat(LoopbackGuard.isLoopback(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(LoopbackGuard.isLoopback(InetAddress.getByName("127.10.0.3"))).isTrue();
        assertThat(LoopbackGuard.isLoopback(InetAddress.getByName("::1"))).isTrue();
        assertThat(LoopbackGuard.isLoopback(InetAddress.getByName("::ffff:127.0.0.1"))).isTrue();
        assertThat(LoopbackGuard.isLoopback(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(LoopbackGuard.isLoopback(InetAddress.getByName("192.168.1.20"))).isFalse();
        assertThat(LoopbackGuard.isLoopback(InetAddress.getByName("::ffff:10.0.0.1"))).isFalse();
        assertThat(LoopbackGuard.isLoopback((InetAddress) null)).isFalse();
    }

    @Test
    void duckTypesMapToDatabricksTypes() {
        assertThat(DuckTypeMapper.map("BIGINT").typeName()).isEqualTo("LONG");
        assertThat(DuckTypeMapper.map("BIGINT").upperText()).isEqualTo("BIGINT");
        assertThat(DuckTypeMapper.map("INTEGER").lowerText()).isEqualTo("int");
        SqlType decimal = DuckTypeMapper.map("DECIMAL(18,2)");
        assertThat(decimal.upperText()).isEqualTo("DECIMAL(18,2)");
        assertThat(decimal.lowerText()).isEqualTo("decimal(18,2)");
        assertThat(decimal.precision()).isEqualTo(18);
        assertThat(DuckTypeMapper.map("VARCHAR").upperText()).isEqualTo("STRING");
        assertThat(DuckTypeMapper.map("TIMESTAMP WITH TIME ZONE").typeName()).isEqualTo("TIMESTAMP");
        assertThat(DuckTypeMapper.map("VARCHAR[]").lowerText()).isEqualTo("array<string>");
        assertThat(DuckTypeMapper.map("STRUCT(a INTEGER, \"b c\" VARCHAR[])").upperText())
                .isEqualTo("STRUCT<a: INT, b c: ARRAY<STRING>>");
        assertThat(DuckTypeMapper.map("MAP(VARCHAR, DOUBLE)").lowerText()).isEqualTo("map<string,double>");
        assertThat(DuckTypeMapper.map("HUGEINT").upperText()).isEqualTo("DECIMAL(38,0)");
        assertThat(DuckTypeMapper.map("UUID").typeName()).isEqualTo("STRING");
        assertThat(DuckTypeMapper.map("BLOB").typeName()).isEqualTo("BINARY");
        assertThat(DuckTypeMapper.map("\"NULL\"").upperText()).isEqualTo("VOID");
        assertThat(SqlType.structField("id", DuckTypeMapper.map("BIGINT"), true, null).toString())
                .isEqualTo("{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}");
        assertThat(DuckTypeMapper.map("INTEGER[]").sparkJson().toString())
                .isEqualTo("{\"type\":\"array\",\"elementType\":\"integer\",\"containsNull\":true}");
    }

    @Test
    void databricksSqlIsTranslatedToDuckDb() {
        CatalogNames names = new CatalogNames();
        names.register("main");
        names.register("samples");
        SqlTranslator translator = new SqlTranslator(names);
        Map<String, String> types = Map.of("id", "INTEGER", "name", "VARCHAR");
        SqlTranslator.Translation t = translator.translate(
                "SELECT `my col`, \"it's\" FROM main.default.t WHERE id = :id AND n = :name AND x::INT = 1 -- :nope", types::get);
        assertThat(t.sql()).isEqualTo("SELECT \"my col\", 'it''s' FROM \"main_uc\".default.t WHERE id = CAST(? AS INTEGER)"
                + " AND n = CAST(? AS VARCHAR) AND x::INT = 1 -- :nope");
        assertThat(t.parameterOrder()).containsExactly("id", "name");
        assertThat(translator.translate("SELECT * FROM samples.tpch.nation", n -> null).sql())
                .isEqualTo("SELECT * FROM samples.tpch.nation");
        assertThat(translator.translate("CREATE SCHEMA main.staging", n -> null).sql())
                .isEqualTo("CREATE SCHEMA \"main_uc\".staging");
        assertThat(translator.translate("SELECT main.x FROM main", n -> null).sql()).isEqualTo("SELECT main.x FROM main");
        assertThat(translator.translate("SELECT 'unterminated", n -> null).sql()).isEqualTo("SELECT 'unterminated");
        assertThatThrownBy(() -> translator.translate("SELECT :missing", n -> null))
                .isInstanceOf(SqlTranslator.UnboundParameterException.class).hasMessageContaining("UNBOUND_SQL_PARAMETER");
        assertThat(names.unmapMessage("Table main_uc.default.x")).isEqualTo("Table main.default.x");
    }

    @Test
    void pkceS256MatchesTheRfcExample() {
        // RFC 7636 appendix B
        assertThat(Pkce.s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assertThat(Pkce.verify("wrong", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")).isFalse();
    }

    @Test
    void apiFamiliesFollowThePath() {
        assertThat(ApiFamily.of("/api/2.0/sql/statements/x")).isEqualTo(ApiFamily.SQL);
        assertThat(ApiFamily.of("/api/2.0/sql/warehouses")).isEqualTo(ApiFamily.WAREHOUSES);
        assertThat(ApiFamily.of("/api/2.1/jobs/runs/get")).isEqualTo(ApiFamily.JOBS);
        assertThat(ApiFamily.of("/api/2.0/clusters/list")).isEqualTo(ApiFamily.CLUSTERS);
        assertThat(ApiFamily.of("/api/2.1/unity-catalog/tables")).isEqualTo(ApiFamily.UNITY_CATALOG);
        assertThat(ApiFamily.of("/oidc/v1/token")).isEqualTo(ApiFamily.TOKEN);
        assertThat(ApiFamily.parse("UNITY_CATALOG")).isEqualTo(ApiFamily.UNITY_CATALOG);
    }
}
