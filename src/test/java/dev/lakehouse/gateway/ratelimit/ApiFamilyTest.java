package dev.lakehouse.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** API families from method and path: job runs apart from job reads. */
class ApiFamilyTest {

    @Test
    void familiesFromPaths() {
        assertThat(ApiFamily.of("POST", "/api/2.0/sql/statements")).isEqualTo(ApiFamily.SQL_STATEMENTS);
        assertThat(ApiFamily.of("GET", "/api/2.0/sql/statements/01ef/result/chunks/1")).isEqualTo(ApiFamily.SQL_STATEMENTS);
        assertThat(ApiFamily.of("GET", "/api/2.0/sql/warehouses")).isEqualTo(ApiFamily.WAREHOUSES);
        assertThat(ApiFamily.of("GET", "/api/2.1/unity-catalog/tables")).isEqualTo(ApiFamily.UNITY_CATALOG);
        assertThat(ApiFamily.of("POST", "/api/2.2/jobs/run-now")).isEqualTo(ApiFamily.JOBS_RUN);
        assertThat(ApiFamily.of("POST", "/api/2.1/jobs/runs/submit")).isEqualTo(ApiFamily.JOBS_RUN);
        assertThat(ApiFamily.of("GET", "/api/2.2/jobs/runs/get")).isEqualTo(ApiFamily.JOBS);
        assertThat(ApiFamily.of("POST", "/api/2.2/jobs/runs/cancel")).isEqualTo(ApiFamily.JOBS);
        assertThat(ApiFamily.of("GET", "/api/2.1/clusters/list")).isEqualTo(ApiFamily.CLUSTERS);
        assertThat(ApiFamily.of("GET", "/api/2.0/preview/scim/v2/Me")).isEqualTo(ApiFamily.SCIM);
        assertThat(ApiFamily.of("POST", "/oidc/v1/token")).isEqualTo(ApiFamily.TOKEN);
        assertThat(ApiFamily.of("GET", "/api/2.0/workspace/list")).isEqualTo(ApiFamily.OTHER);
        assertThat(ApiFamily.of("GET", "/api/2.1/jobsx")).isEqualTo(ApiFamily.OTHER);
    }

    @Test
    void familyNamesOfProperties() {
        assertThat(ApiFamily.byKey("unity-catalog")).isEqualTo(ApiFamily.UNITY_CATALOG);
        assertThat(ApiFamily.byKey(" JOBS_RUN ")).isEqualTo(ApiFamily.JOBS_RUN);
        assertThatThrownBy(() -> ApiFamily.byKey("unity")).hasMessageContaining("Unknown Databricks API family 'unity'");
    }
}
