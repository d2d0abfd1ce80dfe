package io.berth.cli.aot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.berth.cli.Main;
import io.berth.common.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * Runs the everyday commands (help, run, ps, logs, stop) end to end against a control plane in this process that
 * answers each call with a well-formed, minimal ECS answer, so the cache holds what those commands load: picocli's
 * model of them, Jackson, SigV4, the JDK's HttpClient. It never reaches a real Berth: nothing runs anywhere.
 * The launcher gives it throwaway keys in the environment, as the commands read them there.
 */
public final class AotTraining
{
    static final String TASK_ARN = "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef";
    static final String CONTAINER = "aot-training";

    private AotTraining() {}

    public static void main(String[] args)
            throws IOException
    {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", AotTraining::answer);
        server.start();
        int failures = 0;
        try {
            String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
            for (List<String> command : List.of(
                    List.of("--help"),
                    List.of("run", "--endpoint", endpoint, CONTAINER, "--", "true"),
                    List.of("ps", "-a", "--endpoint", endpoint),
                    List.of("logs", "--endpoint", endpoint, TASK_ARN),
                    List.of("stop", "--endpoint", endpoint, TASK_ARN))) {
                if (Main.run(command.toArray(String[]::new)) != 0) {
                    System.err.println("aot training: berth " + String.join(" ", command) + " failed");
                    failures++;
                }
            }
        }
        finally {
            server.stop(0);
        }
        // a failed command still trained most of what it loaded: the cache is made either way
        System.err.println("aot training: done, " + failures + " command(s) failed");
    }

    private static void answer(HttpExchange exchange)
            throws IOException
    {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode answer = target == null ? logPage() : ecsAnswer(target.substring(target.indexOf('.') + 1));
            byte[] bytes = Json.mapper().writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static JsonNode ecsAnswer(String action)
    {
        ObjectNode answer = Json.mapper().createObjectNode();
        switch (action) {
            case "DescribeTaskDefinition" -> {
                ObjectNode definition = answer.putObject("taskDefinition");
                definition.put("taskDefinitionArn", "arn:aws:ecs:us-east-1:000000000000:task-definition/berth-run-aot-training:1");
                definition.put("status", "ACTIVE").put("cpu", "256").put("memory", "512");
                definition.putArray("containerDefinitions").addObject().put("name", CONTAINER).put("image", CONTAINER).put("essential", true);
            }
            case "RunTask" -> answer.putArray("tasks").add(task());
            case "DescribeTasks" -> answer.putArray("tasks").add(task());
            case "ListTasks" -> answer.putArray("taskArns").add(TASK_ARN);
            case "StopTask" -> answer.set("task", task());
            default -> answer.putArray("failures");
        }
        return answer;
    }

    private static ObjectNode task()
    {
        ObjectNode task = Json.mapper().createObjectNode();
        task.put("taskArn", TASK_ARN).put("lastStatus", "STOPPED").put("desiredStatus", "STOPPED");
        task.put("taskDefinitionArn", "arn:aws:ecs:us-east-1:000000000000:task-definition/berth-run-aot-training:1");
        task.put("createdAt", Instant.now().getEpochSecond());
        task.putArray("containers").addObject().put("name", CONTAINER).put("image", CONTAINER).put("exitCode", 0);
        return task;
    }

    private static JsonNode logPage()
    {
        ObjectNode page = Json.mapper().createObjectNode();
        page.putArray("lines").addObject().put("time", Instant.now().getEpochSecond()).put("stream", "stdout").put("text", "trained");
        page.put("complete", true).put("taskStatus", "STOPPED");
        return page;
    }
}
