package io.berth.controlplane.quotas;

import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.testing.TestPostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Concurrent RunTasks of one account on PostgreSQL (several connections) never get past its quota together. */
class PostgresQuotaConcurrencyTest
{
    @RegisterExtension
    static final TestPostgresExtension postgres = new TestPostgresExtension();

    private ControlPlane controlPlane;
    private AccessKey tenantKey;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of(postgres.jdbcUrl()));
        controlPlane.accounts().bootstrapOperator();
        tenantKey = controlPlane.accounts().createAccount("racer");
        new EcsClient(controlPlane, tenantKey).call("RegisterTaskDefinition", """
                {"family": "small", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "image": "busybox"}]}""");
        // one task first, so that the default cluster exists and the racers meet only at the quota
        new EcsClient(controlPlane, tenantKey).call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
        controlPlane.limits().set(tenantKey.account().accountId(), new AccountLimits(null, 4L, null, null));
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void concurrentRunTasksStopAtTheQuota()
            throws Exception
    {
        int callers = 10;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                results.add(executor.submit(() -> {
                    EcsClient tenant = new EcsClient(controlPlane, tenantKey);
                    tenant.call("ListTasks", "{}");
                    go.await();
                    EcsException refused = tenant.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
                    if (refused != null) {
                        assertThat(refused.getMessage()).startsWith("Quota exceeded: max-tasks is 4 ");
                    }
                    return refused == null;
                }));
            }
            go.countDown();
            long started = 0;
            for (Future<Boolean> result : results) {
                started += result.get() ? 1 : 0;
            }
            assertThat(started).isEqualTo(3);
        }
        assertThat(new EcsClient(controlPlane, tenantKey).call("ListTasks", "{}").get("taskArns").size()).isEqualTo(4);
    }
}
