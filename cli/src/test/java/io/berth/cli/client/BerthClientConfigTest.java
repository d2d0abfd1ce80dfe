package io.berth.cli.client;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BerthClientConfigTest
{
    private static final Map<String, String> KEYS = Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "secret");

    @Test
    void defaultsToTheLocalControlPlane()
    {
        BerthClientConfig config = BerthClientConfig.fromEnvironment(KEYS, Optional.empty(), Optional.empty());
        assertThat(config.endpoint()).isEqualTo(URI.create(BerthClientConfig.DEFAULT_ENDPOINT));
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.credentials().accessKeyId()).isEqualTo("AKID");
    }

    @Test
    void readsTheEnvironmentInAwsCliOrder()
    {
        Map<String, String> environment = new java.util.HashMap<>(KEYS);
        environment.put("AWS_ENDPOINT_URL", "http://10.0.0.1:9000");
        environment.put("AWS_DEFAULT_REGION", "eu-west-1");
        BerthClientConfig config = BerthClientConfig.fromEnvironment(environment, Optional.empty(), Optional.empty());
        assertThat(config.endpoint()).isEqualTo(URI.create("http://10.0.0.1:9000"));
        assertThat(config.region()).isEqualTo("eu-west-1");

        environment.put("BERTH_ENDPOINT", "http://10.0.0.2:9000");
        environment.put("AWS_REGION", "eu-central-1");
        config = BerthClientConfig.fromEnvironment(environment, Optional.empty(), Optional.empty());
        assertThat(config.endpoint()).isEqualTo(URI.create("http://10.0.0.2:9000"));
        assertThat(config.region()).isEqualTo("eu-central-1");

        config = BerthClientConfig.fromEnvironment(environment, Optional.of("https://berth.example"), Optional.of("ap-south-1"));
        assertThat(config.endpoint()).isEqualTo(URI.create("https://berth.example"));
        assertThat(config.region()).isEqualTo("ap-south-1");
    }

    @Test
    void explainsMissingCredentialsAndBadEndpoints()
    {
        assertThatThrownBy(() -> BerthClientConfig.fromEnvironment(Map.of(), Optional.empty(), Optional.empty()))
                .isInstanceOf(BerthClientException.class)
                .hasMessage("AWS_ACCESS_KEY_ID is not set: export the access key that `berth up` or `berth account create` printed");
        assertThatThrownBy(() -> BerthClientConfig.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKID"), Optional.empty(), Optional.empty()))
                .hasMessageStartingWith("AWS_SECRET_ACCESS_KEY is not set");
        assertThatThrownBy(() -> BerthClientConfig.fromEnvironment(KEYS, Optional.of("localhost:8080"), Optional.empty()))
                .hasMessageContaining("must be an http:// or https:// URL");
    }
}
