package io.berth.common.agentprotocol;

import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A task's secrets cross the wire in its assignment; printed, they show no value. */
class TaskSecretsJsonTest
{
    @Test
    void roundTripsInAnAssignmentAndHidesItsValues()
            throws Exception
    {
        TaskSecrets secrets = new TaskSecrets(Map.of("main", Map.of("DB_PASSWORD", "value-1")),
                Map.of("main", new RegistryLogin("registry.example:5000", "puller", "value-2")));
        TaskAssignment assignment = new TaskAssignment("task", "arn:aws:ecs:us-east-1:111111111111:task/c/task", TaskAssignment.DesiredStatus.RUNNING, 256, 512,
                List.of(), null, null, null, Map.of(), "111111111111", null, null, null, secrets, null);

        TaskAssignment read = Json.mapper().readValue(Json.mapper().writeValueAsString(assignment), TaskAssignment.class);

        assertThat(read.secrets()).isEqualTo(secrets);
        assertThat(read.secrets().environmentOf("main")).containsEntry("DB_PASSWORD", "value-1");
        assertThat(read.secrets().environmentOf("other")).isEmpty();
        assertThat(secrets.toString()).doesNotContain("value-1").doesNotContain("value-2");
        assertThat(assignment.toString()).doesNotContain("value-1").doesNotContain("value-2");
        assertThat(assignment.withoutSecrets().secrets()).isEqualTo(TaskSecrets.NONE);
        assertThat(Json.mapper().writeValueAsString(assignment.withoutSecrets())).doesNotContain("value-1").doesNotContain("value-2");
    }

    @Test
    void anAssignmentFromAControlPlaneWithoutSecretsHasNone()
            throws Exception
    {
        TaskAssignment read = Json.mapper().readValue("{\"taskId\": \"t\", \"taskArn\": \"a\", \"desiredStatus\": \"RUNNING\", \"cpu\": 256, \"memoryMiB\": 512, \"containers\": []}",
                TaskAssignment.class);
        assertThat(read.secrets()).isNull();
    }
}
