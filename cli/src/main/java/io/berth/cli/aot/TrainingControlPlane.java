package io.berth.cli.aot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.berth.common.http.JdkHttpServers;
import io.berth.common.json.Json;
import io.berth.controlplane.tls.ClusterCertificateAuthority;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * The control plane the AOT training run talks to: a separate JVM (so that none of its classes, the CA's Bouncy
 * Castle nor the server side of TLS, go into the CLI's cache) serving HTTPS with a throwaway cluster CA made in the
 * directory it is given, exactly as `berth up` serves it, and answering each ECS call and log read the everyday
 * commands make with a well-formed, minimal answer. It prints "listening PORT" once it listens and exits when its
 * standard input closes (the training run ended or died) or after {@link #LIFETIME_MILLIS}.
 */
public final class TrainingControlPlane
{
    static final String TASK_ARN = "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef";
    /** An image reference shaped like those `berth image import` prints (registry/account/name:tag). */
    static final String IMAGE = "127.0.0.1:5000/000000000000/aot-training:1";
    static final String CONTAINER = "aot-training";
    static final String LISTENING = "listening ";
    private static final String TASK_DEFINITION_ARN = "arn:aws:ecs:us-east-1:000000000000:task-definition/berth-run-aot-training:1";
    private static final long LIFETIME_MILLIS = 300_000;

    private TrainingControlPlane() {}

    public static void main(String[] args)
            throws IOException
    {
        if (args.length != 1) {
            System.err.println("usage: TrainingControlPlane DIRECTORY (where the throwaway CA goes)");
            System.exit(2);
        }
        ClusterCertificateAuthority authority = ClusterCertificateAuthority.loadOrCreate(Path.of(args[0]), Clock.systemUTC());
        HttpsServer server = JdkHttpServers.https(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(authority.issueServerCertificate(Set.of("127.0.0.1", "localhost")).sslContext()));
        server.createContext("/", TrainingControlPlane::answer);
        server.start();
        System.out.println(LISTENING + server.getAddress().getPort());
        System.out.flush();
        Thread deadline = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(LIFETIME_MILLIS);
            }
            catch (InterruptedException e) {
                return;
            }
            System.err.println("aot training control plane: no end of input after " + LIFETIME_MILLIS / 1000 + " s, stopping");
            System.exit(1);
        });
        while (System.in.read() >= 0) {
            // the training run writes nothing: this waits for its end
        }
        deadline.interrupt();
        server.stop(0);
    }

    private static void answer(HttpExchange exchange)
            throws IOException
    {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode answer = target == null ? logPage() : ecsAnswer(target.substring(target.indexOf('.') + 1));
            byte[] bytes = Json.mapper().writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", target == null ? "application/json" : "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static JsonNode ecsAnswer(String action)
    {
        ObjectNode answer = Json.mapper().createObjectNode();
        switch (action) {
            case "DescribeTaskDefinition" -> {
                // the definition `berth run IMAGE` would reuse, so the training takes the path of every run after the first
                ObjectNode definition = answer.putObject("taskDefinition");
                definition.put("taskDefinitionArn", TASK_DEFINITION_ARN);
                definition.put("family", "berth-run-" + CONTAINER).put("revision", 1);
                definition.put("status", "ACTIVE").put("cpu", "256").put("memory", "512").put("networkMode", "awsvpc");
                definition.putArray("requiresCompatibilities").add("FARGATE");
                definition.putArray("containerDefinitions").addObject().put("name", CONTAINER).put("image", IMAGE).put("essential", true);
            }
            case "RunTask" -> answer.putArray("tasks").add(task("PROVISIONING", false));
            case "DescribeTasks" -> answer.putArray("tasks").add(task("STOPPED", true));
            case "ListTasks" -> answer.putArray("taskArns").add(TASK_ARN);
            case "StopTask" -> answer.set("task", task("STOPPED", true));
            default -> answer.putArray("failures");
        }
        return answer;
    }

    private static ObjectNode task(String status, boolean exited)
    {
        ObjectNode task = Json.mapper().createObjectNode();
        task.put("taskArn", TASK_ARN).put("lastStatus", status).put("desiredStatus", exited ? "STOPPED" : "RUNNING");
        task.put("taskDefinitionArn", TASK_DEFINITION_ARN);
        task.put("createdAt", Instant.now().getEpochSecond());
        ObjectNode container = task.putArray("containers").addObject().put("name", CONTAINER).put("image", IMAGE).put("lastStatus", status);
        if (exited) {
            container.put("exitCode", 0);
        }
        return task;
    }

    private static JsonNode logPage()
    {
        ObjectNode page = Json.mapper().createObjectNode();
        page.putArray("lines").addObject().put("time", Instant.now().getEpochSecond()).put("stream", "stdout").put("text", "hi");
        // as a real run's last page reads: the container has exited and the task is still being cleaned up
        page.put("nextToken", "1").put("complete", true).put("taskStatus", "DEPROVISIONING");
        page.putArray("containers").addObject().put("name", CONTAINER).put("lastStatus", "STOPPED").put("exitCode", 0);
        return page;
    }
}
