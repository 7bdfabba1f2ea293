package io.fleetevents.codersim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;

class CoderVersionTest {

    @Test
    void shouldServeTheTasksListEachReleaseHad() {
        assertThat(CoderVersion.parse("v2.25").tasksApi()).isEqualTo(CoderVersion.TasksApi.NONE);
        assertThat(CoderVersion.parse("2.26").tasksApi()).isEqualTo(CoderVersion.TasksApi.EXPERIMENTAL);
        assertThat(CoderVersion.parse("v2.28.4").tasksApi()).isEqualTo(CoderVersion.TasksApi.EXPERIMENTAL);
        assertThat(CoderVersion.parse("v2.29").tasksApi()).isEqualTo(CoderVersion.TasksApi.GA);
        assertThat(CoderVersion.parse("latest").tasksApi()).isEqualTo(CoderVersion.TasksApi.GA);
        assertThat(CoderVersion.parse("main").tasksApi()).isEqualTo(CoderVersion.TasksApi.NONE);
    }

    @Test
    void shouldLetTheAgentReportTurnEndsAndOrderStatusesNewestFirstFromCoder231() {
        assertThat(CoderVersion.parse("v2.30").agentReportsTurnEnd()).isFalse();
        assertThat(CoderVersion.parse("v2.30").statusesNewestFirst()).isFalse();
        assertThat(CoderVersion.parse("v2.31").agentReportsTurnEnd()).isTrue();
        assertThat(CoderVersion.parse("v2.31").statusesNewestFirst()).isTrue();
        assertThat(CoderVersion.MAIN.agentReportsTurnEnd()).isTrue();
    }

    @Test
    void shouldRejectWhatIsNotACoderReleaseNamingTheKey() {
        assertThat(catchThrowable(() -> CoderVersion.parse("v3.1"))).hasMessageContaining("coder-version");
        assertThat(catchThrowable(() -> CoderVersion.parse("v2.12"))).hasMessageContaining("coder-version");
        assertThat(catchThrowable(() -> CoderVersion.parse(""))).hasMessageContaining("coder-version");
    }
}
