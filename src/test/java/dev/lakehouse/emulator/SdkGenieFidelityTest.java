package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.error.platform.InvalidParameterValue;
import com.databricks.sdk.core.error.platform.ResourceDoesNotExist;
import com.databricks.sdk.service.dashboards.GenieAttachment;
import com.databricks.sdk.service.dashboards.GenieCreateConversationMessageRequest;
import com.databricks.sdk.service.dashboards.GenieExecuteMessageAttachmentQueryRequest;
import com.databricks.sdk.service.dashboards.GenieGetMessageQueryResultResponse;
import com.databricks.sdk.service.dashboards.GenieListSpacesRequest;
import com.databricks.sdk.service.dashboards.GenieMessage;
import com.databricks.sdk.service.dashboards.GenieSpace;
import com.databricks.sdk.service.dashboards.GenieStartConversationMessageRequest;
import com.databricks.sdk.service.dashboards.GenieStartConversationResponse;
import com.databricks.sdk.service.dashboards.MessageStatus;
import com.databricks.sdk.service.sql.StatementState;

/** The emulator's Genie API through the official Databricks SDK for Java (GenieAPI, its waiter included). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class SdkGenieFidelityTest {

    static final String HR = "01f0a1b2c3d4e5f60718293a4b5c6d7e";
    static final String SALES = "01f0a1b2c3d4e5f60718293a4b5c6d7f";

    private EmulatorServer server;
    private WorkspaceClient w;

    @BeforeAll
    void start() {
        EmulatorProperties properties = EmulatorFixture.fastProperties();
        properties.getGenie().setStepMillis(30);
        server = new EmulatorServer(properties).start();
        w = EmulatorFixture.patClient(server.workspace("acme"));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private GenieMessage ask(String space, String question) throws Exception {
        GenieStartConversationResponse started = w.genie().startConversation(new GenieStartConversationMessageRequest()
                .setSpaceId(space).setContent(question)).getResponse();
        assertThat(started.getConversationId()).isNotBlank();
        assertThat(started.getMessage().getStatus()).isEqualTo(MessageStatus.SUBMITTED);
        return w.genie().waitGetMessageGenieCompleted(started.getConversationId(), started.getMessageId(), space,
                Duration.ofSeconds(30), null);
    }

    private static GenieAttachment query(GenieMessage message) {
        return message.getAttachments().stream().filter(a -> a.getQuery() != null).findFirst().orElseThrow();
    }

    @Test
    void spacesAreListedAndRead() {
        List<GenieSpace> spaces = new ArrayList<>(w.genie().listSpaces(new GenieListSpacesRequest()).getSpaces());
        assertThat(spaces).extracting(GenieSpace::getTitle).containsExactly("HR analytics", "Sales (TPC-H)");
        assertThat(spaces.get(0).getWarehouseId()).isNotBlank();
        assertThat(w.genie().listSpaces(new GenieListSpacesRequest().setPageSize(1L)).getNextPageToken()).isNotBlank();
        assertThat(w.genie().getSpace(SALES).getDescription()).contains("samples.tpch");
        assertThatThrownBy(() -> w.genie().getSpace("01f0000000000000000000000000dead"))
                .isInstanceOf(ResourceDoesNotExist.class);
    }

    @Test
    void aQuestionBecomesAQueryWhoseResultIsAStatementResponse() throws Exception {
        GenieMessage answer = ask(HR, "How many employees do we have?");
        assertThat(answer.getStatus()).isEqualTo(MessageStatus.COMPLETED);
        GenieAttachment attachment = query(answer);
        assertThat(attachment.getQuery().getQuery()).isEqualTo("SELECT count(*) AS employees FROM main.default.employees");
        assertThat(attachment.getQuery().getQueryResultMetadata().getRowCount()).isEqualTo(1L);
        GenieGetMessageQueryResultResponse result = w.genie().getMessageAttachmentQueryResult(HR,
                answer.getConversationId(), answer.getMessageId(), attachment.getAttachmentId());
        assertThat(result.getStatementResponse().getStatus().getState()).isEqualTo(StatementState.SUCCEEDED);
        String count = result.getStatementResponse().getResult().getDataArray().iterator().next().iterator().next();
        assertThat(Long.parseLong(count)).isPositive();
        // the statement is the workspace's own: the Statement Execution API knows it
        assertThat(w.statementExecution().getStatement(attachment.getQuery().getStatementId()).getStatus().getState())
                .isEqualTo(StatementState.SUCCEEDED);
        // and the attachment's query runs again on request
        GenieGetMessageQueryResultResponse rerun = w.genie().executeMessageAttachmentQuery(
                new GenieExecuteMessageAttachmentQueryRequest().setSpaceId(HR).setConversationId(answer.getConversationId())
                        .setMessageId(answer.getMessageId()).setAttachmentId(attachment.getAttachmentId()));
        assertThat(rerun.getStatementResponse().getStatementId()).isNotEqualTo(attachment.getQuery().getStatementId());
    }

    @Test
    void aFollowUpStaysInTheConversation() throws Exception {
        GenieMessage first = ask(SALES, "how many orders are there");
        assertThat(query(first).getQuery().getQuery()).contains("samples.tpch.orders");
        GenieMessage followUp = w.genie().createMessage(new GenieCreateConversationMessageRequest().setSpaceId(SALES)
                .setConversationId(first.getConversationId()).setContent("what else can you tell me?"))
                .get(Duration.ofSeconds(30));
        assertThat(followUp.getConversationId()).isEqualTo(first.getConversationId());
        assertThat(followUp.getStatus()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(followUp.getAttachments()).allSatisfy(a -> assertThat(a.getQuery()).isNull());
        assertThat(followUp.getAttachments().iterator().next().getText().getContent()).contains("TPC-H");
        w.genie().deleteConversation(SALES, first.getConversationId());
        assertThatThrownBy(() -> w.genie().getMessage(SALES, first.getConversationId(), first.getMessageId()))
                .isInstanceOf(ResourceDoesNotExist.class);
    }

    @Test
    void aQuestionGenieCannotAnswerFailsAndBadRequestsAreRefused() {
        GenieStartConversationResponse started = w.genie().startConversation(new GenieStartConversationMessageRequest()
                .setSpaceId(HR).setContent("please fail")).getResponse();
        assertThatThrownBy(() -> w.genie().waitGetMessageGenieCompleted(started.getConversationId(),
                started.getMessageId(), HR, Duration.ofSeconds(30), null)).hasMessageContaining("FAILED");
        GenieMessage failed = w.genie().getMessage(HR, started.getConversationId(), started.getMessageId());
        assertThat(failed.getError().getError()).isNotBlank();
        assertThatThrownBy(() -> w.genie().startConversation(new GenieStartConversationMessageRequest()
                .setSpaceId(HR).setContent(" "))).isInstanceOf(InvalidParameterValue.class);
        assertThatThrownBy(() -> w.genie().getMessage(HR, "nope", "nope")).isInstanceOf(ResourceDoesNotExist.class);
    }

    @Test
    void theStatusWalksThroughGeniesSteps() throws Exception {
        GenieStartConversationResponse started = w.genie().startConversation(new GenieStartConversationMessageRequest()
                .setSpaceId(HR).setContent("headcount by department")).getResponse();
        List<MessageStatus> seen = new ArrayList<>();
        GenieMessage done = w.genie().waitGetMessageGenieCompleted(started.getConversationId(), started.getMessageId(),
                HR, Duration.ofSeconds(30), m -> seen.add(m.getStatus()));
        assertThat(done.getStatus()).isEqualTo(MessageStatus.COMPLETED);
        // the waiter polls every second; with 30 ms steps it sees few of them, but only in order
        List<MessageStatus> order = List.of(MessageStatus.SUBMITTED, MessageStatus.FETCHING_METADATA,
                MessageStatus.FILTERING_CONTEXT, MessageStatus.ASKING_AI, MessageStatus.PENDING_WAREHOUSE,
                MessageStatus.EXECUTING_QUERY);
        assertThat(seen).allMatch(order::contains);
        assertThat(seen.stream().map(order::indexOf).toList()).isSorted();
    }
}
