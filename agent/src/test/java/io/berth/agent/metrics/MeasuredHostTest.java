package io.berth.agent.metrics;

import io.berth.agent.images.ImageService;
import io.berth.agent.network.NetworkException;
import io.berth.agent.network.TaskNetwork;
import io.berth.agent.rootfs.Snapshotter;
import io.berth.agent.rootfs.TaskStorage;
import io.berth.agent.runtime.ContainerRuntime;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.testing.PrometheusText;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MeasuredHostTest
{
    /**
     * A decorator that leaves a default method to the interface silently drops the wrapped part's own version (a
     * network's restore, a runtime's exec): every default method of the parts must be forwarded.
     */
    @Test
    void everyDefaultMethodOfTheWrappedPartsIsForwarded()
    {
        for (Class<?> part : List.of(ImageService.class, Snapshotter.class, TaskNetwork.class, TaskStorage.class, ContainerRuntime.class)) {
            Class<?> decorator = Arrays.stream(MeasuredHost.class.getDeclaredClasses()).filter(part::isAssignableFrom).findFirst().orElseThrow();
            for (Method method : part.getMethods()) {
                if (method.isDefault() && !Modifier.isStatic(method.getModifiers()) && !isConvenienceOverload(part, method)) {
                    assertThat(declares(decorator, method)).as(decorator.getSimpleName() + " forwards " + part.getSimpleName() + "." + method.getName()).isTrue();
                }
            }
        }
    }

    /** Snapshotter.prepare(key, layers) only calls the three-argument prepare, which the decorator measures. */
    private static boolean isConvenienceOverload(Class<?> part, Method method)
    {
        return part == Snapshotter.class && method.getName().equals("prepare") && method.getParameterCount() == 2;
    }

    private static boolean declares(Class<?> decorator, Method method)
    {
        try {
            decorator.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        }
        catch (NoSuchMethodException e) {
            return false;
        }
    }

    @Test
    void aFailedTearDownIsTimedAndCountedAsACleanupFailureAndOtherCallsGoThrough()
            throws Exception
    {
        AgentMetrics metrics = new AgentMetrics();
        AtomicInteger restored = new AtomicInteger();
        TaskNetwork failing = new TaskNetwork()
        {
            @Override
            public Optional<io.berth.agent.network.NetworkAttachment> setUp(String taskId, String accountId)
            {
                return Optional.empty();
            }

            @Override
            public void tearDown(String taskId)
                    throws NetworkException
            {
                throw new NetworkException("the bridge is busy");
            }

            @Override
            public List<String> taskIds()
            {
                return List.of();
            }

            @Override
            public void restore()
            {
                restored.incrementAndGet();
            }

            @Override
            public void apply(NetworkPlan plan) {}
        };
        TaskNetwork measured = measuredNetwork(failing, metrics);
        measured.setUp("task-1", "123456789012");
        assertThatThrownBy(() -> measured.tearDown("task-1")).isInstanceOf(NetworkException.class).hasMessage("the bridge is busy");
        measured.restore();
        assertThat(restored).hasValue(1);

        PrometheusText text = scrape(metrics);
        assertThat(text.value("berth_agent_task_step_duration_seconds_count", Map.of("step", "network_setup", "result", "success"))).hasValue(1);
        assertThat(text.value("berth_agent_task_step_duration_seconds_count", Map.of("step", "network_teardown", "result", "failure"))).hasValue(1);
        assertThat(text.value("berth_agent_cleanup_failures_total", Map.of("step", "network_teardown"))).hasValue(1);
        assertThat(text.value("berth_agent_cleanup_failures_total", Map.of("step", "network_setup"))).isEmpty();
    }

    @Test
    void theImageStoreIsReportedOnceMeasuredAndAgainAfterARestart()
            throws IOException
    {
        AgentMetrics metrics = new AgentMetrics();
        metrics.measureImageStore(java.util.OptionalLong::empty, 1000);
        assertThat(scrape(metrics).value("berth_agent_image_store_bytes", Map.of())).isEmpty();
        metrics.measureImageStore(() -> java.util.OptionalLong.of(400), 2000);
        PrometheusText text = scrape(metrics);
        assertThat(text.value("berth_agent_image_store_bytes", Map.of())).hasValue(400);
        assertThat(text.value("berth_agent_image_store_max_bytes", Map.of())).hasValue(2000);
    }

    private static TaskNetwork measuredNetwork(TaskNetwork network, AgentMetrics metrics)
    {
        Class<?> decorator = Arrays.stream(MeasuredHost.class.getDeclaredClasses()).filter(TaskNetwork.class::isAssignableFrom).findFirst().orElseThrow();
        try {
            var constructor = decorator.getDeclaredConstructor(TaskNetwork.class, AgentMetrics.class);
            constructor.setAccessible(true);
            return (TaskNetwork) constructor.newInstance(network, metrics);
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static PrometheusText scrape(AgentMetrics metrics)
            throws IOException
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return PrometheusText.parse(out.toString(UTF_8));
    }
}
