package io.berth.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.http.ApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** BerthClient's signed requests must pass the real ApiServer's verification, including awkward paths and queries. */
class BerthClientTest
{
    private static final AccessKey KEY = new AccessKey("AKIDCLIENT", "client-secret", new Account("123456789012", "client", false));

    private static ApiServer server;

    @BeforeAll
    static void start()
    {
        EcsAction failing = new EcsAction()
        {
            @Override
            public String name()
            {
                return "DescribeServices";
            }

            @Override
            public JsonNode handle(RequestContext context, JsonNode request)
            {
                throw EcsException.invalidParameter("services must not be empty");
            }
        };
        AdminEndpoint echo = new AdminEndpoint()
        {
            @Override
            public String method()
            {
                return "GET";
            }

            @Override
            public String pathPattern()
            {
                return "/berth/echo/{value}";
            }

            @Override
            public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
            {
                ObjectNode response = Json.mapper().createObjectNode();
                response.put("value", pathParameters.get("value"));
                response.set("query", Json.mapper().valueToTree(query));
                return response;
            }
        };
        server = new ApiServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                id -> id.equals(KEY.accessKeyId()) ? Optional.of(KEY) : Optional.empty(),
                List.of(failing), List.of(echo), Clock.systemUTC());
        server.start();
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static BerthClient client(String secret, Clock clock)
    {
        return new BerthClient(new BerthClientConfig(server.endpoint(), new SigV4Credentials(KEY.accessKeyId(), secret), "us-east-1"), clock);
    }

    @Test
    void adminPathSegmentsAndQueryValuesSurviveEncodingAndSigning()
    {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("cluster", "my cluster&more=1");
        query.put("nextToken", "a+b/c=d");
        try (BerthClient client = client(KEY.secretAccessKey(), Clock.systemUTC())) {
            JsonNode response = client.admin("GET", "/berth/echo/" + BerthClient.pathSegment("arn:aws:ecs:us-east-1:1:task/c/x y"), query, null);
            assertThat(response.path("value").asText()).isEqualTo("arn:aws:ecs:us-east-1:1:task/c/x y");
            assertThat(response.path("query").path("cluster").asText()).isEqualTo("my cluster&more=1");
            assertThat(response.path("query").path("nextToken").asText()).isEqualTo("a+b/c=d");
        }
    }

    @Test
    void aClientOverSharedConnectionsLeavesThemOpenForTheNextCommand()
    {
        BerthClientConfig config = new BerthClientConfig(server.endpoint(), new SigV4Credentials(KEY.accessKeyId(), KEY.secretAccessKey()), "us-east-1");
        try (SharedHttpClients shared = new SharedHttpClients()) {
            try (BerthClient first = new BerthClient(config, Clock.systemUTC(), shared)) {
                assertThat(first.admin("GET", "/berth/echo/one", Map.of(), null).path("value").asText()).isEqualTo("one");
            }
            try (BerthClient second = new BerthClient(config, Clock.systemUTC(), shared)) {
                assertThat(second.admin("GET", "/berth/echo/two", Map.of(), null).path("value").asText()).isEqualTo("two");
            }
        }
    }

    @Test
    void apiErrorsBecomeTypeAndMessage()
    {
        try (BerthClient client = client(KEY.secretAccessKey(), Clock.systemUTC())) {
            assertThatThrownBy(() -> client.ecs("DescribeServices", Json.mapper().createObjectNode()))
                    .isInstanceOfSatisfying(BerthClientException.class, e -> {
                        assertThat(e.getMessage()).isEqualTo("InvalidParameterException: services must not be empty");
                        assertThat(e.errorType()).contains("InvalidParameterException");
                    });
        }
    }

    @Test
    void wrongSecretAndSkewedClockAreReported()
    {
        try (BerthClient client = client("wrong", Clock.systemUTC())) {
            assertThatThrownBy(() -> client.ecs("DescribeServices", null))
                    .hasMessageStartingWith("InvalidSignatureException: The request signature we calculated does not match");
        }
        try (BerthClient client = client(KEY.secretAccessKey(), Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)))) {
            assertThatThrownBy(() -> client.ecs("DescribeServices", null))
                    .hasMessageStartingWith("InvalidSignatureException: Signature expired");
        }
    }
}
