package dev.lakehouse.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** API families from method and path: job runs apart from job reads, Genie questions apart from Genie reads. */
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
        assertThat(ApiFamily.of("GET", "/api/2.0/workspace/list")).isEqualTo(ApiFamily.WORKSPACE);
        // Genie: questions apart from reads
        assertThat(ApiFamily.of("POST", "/api/2.0/genie/spaces/01f0/start-conversation")).isEqualTo(ApiFamily.GENIE_ASK);
        assertThat(ApiFamily.of("POST", "/api/2.0/genie/spaces/01f0/conversations/c1/messages")).isEqualTo(ApiFamily.GENIE_ASK);
        assertThat(ApiFamily.of("GET", "/api/2.0/genie/spaces/01f0/conversations/c1/messages/m1")).isEqualTo(ApiFamily.GENIE);
        assertThat(ApiFamily.of("POST", "/api/2.0/genie/spaces/01f0/conversations/c1/messages/m1/attachments/a/execute-query"))
                .isEqualTo(ApiFamily.GENIE);
        assertThat(ApiFamily.of("GET", "/api/2.0/genie/spaces")).isEqualTo(ApiFamily.GENIE);
        assertThat(ApiFamily.of("POST", "/api/2.0/vector-search/indexes/a.b.c/query")).isEqualTo(ApiFamily.VECTOR_SEARCH);
        assertThat(ApiFamily.of("GET", "/api/2.0/fs/files/Volumes/a/b/c/f")).isEqualTo(ApiFamily.FILES);
        assertThat(ApiFamily.of("GET", "/api/2.0/dbfs/read")).isEqualTo(ApiFamily.FILES);
        assertThat(ApiFamily.of("GET", "/api/2.0/lineage-tracking/table-lineage")).isEqualTo(ApiFamily.LINEAGE);
        assertThat(ApiFamily.of("GET", "/api/2.0/permissions/jobs/1")).isEqualTo(ApiFamily.OTHER);
        assertThat(ApiFamily.of("GET", "/api/2.1/jobsx")).isEqualTo(ApiFamily.OTHER);
    }

    @Test
    void familyNamesOfProperties() {
        assertThat(ApiFamily.byKey("unity-catalog")).isEqualTo(ApiFamily.UNITY_CATALOG);
        assertThat(ApiFamily.byKey(" JOBS_RUN ")).isEqualTo(ApiFamily.JOBS_RUN);
        assertThat(ApiFamily.byKey("genie-ask")).isEqualTo(ApiFamily.GENIE_ASK);
        assertThat(ApiFamily.byKey("vector_search")).isEqualTo(ApiFamily.VECTOR_SEARCH);
        assertThatThrownBy(() -> ApiFamily.byKey("unity")).hasMessageContaining("Unknown Databricks API family 'unity'");
    }
}
