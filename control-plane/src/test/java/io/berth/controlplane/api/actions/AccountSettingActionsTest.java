package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Account settings as the HTTP layer calls them, and the containerInsights account setting as the default of new clusters. */
class AccountSettingActionsTest
{
    @TempDir
    Path directory;

    private ControlPlane controlPlane;
    private EcsClient client;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(new ManualClock()));
        client = new EcsClient(controlPlane, controlPlane.accounts().createAccount("settings"));
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void theAccountsContainerInsightsIsTheDefaultOfNewClusters()
    {
        assertThat(client.call("CreateCluster", "{\"clusterName\": \"before\"}").get("cluster").get("settings")).isEmpty();

        JsonNode setting = client.call("PutAccountSetting", "{\"name\": \"containerInsights\", \"value\": \"enabled\"}").get("setting");
        assertThat(setting.get("principalArn").asText()).endsWith(":root");

        JsonNode cluster = client.call("CreateCluster", "{\"clusterName\": \"after\"}").get("cluster");
        assertThat(cluster.get("settings").get(0).get("value").asText()).isEqualTo("enabled");
        JsonNode own = client.call("CreateCluster", "{\"clusterName\": \"own\", \"settings\": [{\"name\": \"containerInsights\", \"value\": \"disabled\"}]}")
                .get("cluster");
        assertThat(own.get("settings").get(0).get("value").asText()).isEqualTo("disabled");
    }
}
