package io.berth.common.agentprotocol;

import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AssignmentChangesTest
{
    private static final List<TaskAssignment> HELD = List.of(assignment("t1", 256), assignment("t2", 256), assignment("t3", 256));

    @Test
    void aChangedAssignmentStaysWhereItWasANewOneGoesLastAndARemovedOneGoes()
    {
        AssignmentChanges changes = new AssignmentChanges("a1", "a2", List.of(assignment("t4", 512), assignment("t2", 1024)), List.of("t1"));
        assertThat(changes.applyTo(HELD, "a1")).contains(List.of(assignment("t2", 1024), assignment("t3", 256), assignment("t4", 512)));
        assertThat(new AssignmentChanges("a1", "a1", List.of(), List.of()).applyTo(HELD, "a1")).contains(HELD);
    }

    @Test
    void changesThatDoNotFitTheListHeldGiveNothing()
    {
        // another base
        assertThat(new AssignmentChanges("a0", "a2", List.of(), List.of("t1")).applyTo(HELD, "a1")).isEmpty();
        // a task to remove that is not held, or named twice
        assertThat(new AssignmentChanges("a1", "a2", List.of(), List.of("t9")).applyTo(HELD, "a1")).isEmpty();
        assertThat(new AssignmentChanges("a1", "a2", List.of(), List.of("t1", "t1")).applyTo(HELD, "a1")).isEmpty();
        // one task changed twice, or both changed and removed
        assertThat(new AssignmentChanges("a1", "a2", List.of(assignment("t4", 1), assignment("t4", 2)), List.of()).applyTo(HELD, "a1")).isEmpty();
        assertThat(new AssignmentChanges("a1", "a2", List.of(assignment("t1", 1)), List.of("t1")).applyTo(HELD, "a1")).isEmpty();
        // a held list that names a task twice cannot be changed by task id
        assertThat(new AssignmentChanges("a1", "a2", List.of(), List.of()).applyTo(List.of(assignment("t1", 1), assignment("t1", 2)), "a1")).isEmpty();
    }

    @Test
    void changesTravelAsJson()
            throws Exception
    {
        AssignmentChanges changes = new AssignmentChanges("a1", "a2", List.of(assignment("t4", 512)), List.of("t1"));
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsString(changes), AssignmentChanges.class)).isEqualTo(changes);
        SyncResponse answer = new SyncResponse(null, null, null, List.of(), new SyncResponse.PartVersions("a2", "n", "i"), List.of(SyncResponse.NETWORK), false)
                .withAssignmentChanges(changes);
        SyncResponse read = Json.mapper().readValue(Json.mapper().writeValueAsString(answer), SyncResponse.class);
        assertThat(read.tasks()).isNull();
        assertThat(read.assignmentChanges()).isEqualTo(changes);
    }

    private static TaskAssignment assignment(String taskId, int cpu)
    {
        return new TaskAssignment(taskId, "arn:" + taskId, TaskAssignment.DesiredStatus.RUNNING, cpu, 512, List.of());
    }
}
