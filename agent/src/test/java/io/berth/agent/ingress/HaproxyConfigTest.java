package io.berth.agent.ingress;

import io.berth.agent.process.HostProcess;
import io.berth.agent.process.ProcessOutput;
import io.berth.common.agentprotocol.IngressPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HaproxyConfigTest
{
    private static final Instant NOW = Instant.parse("2026-12-01T21:00:00Z");
    private static final String GROUP = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web/aaaa";
    private static final String API = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/api/bbbb";

    @TempDir
    Path directory;

    private static IngressPlan plan()
    {
        IngressPlan.Rule rule = new IngressPlan.Rule("arn:aws:elasticloadbalancing:us-east-1:111111111111:listener-rule/app/lb/1/2/rrrr", 10,
                List.of("/api/*", "/v?.json"), List.of("*.example.com"), API);
        IngressPlan.Listener listener = new IngressPlan.Listener("arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/lb/1/llll", 80, GROUP, List.of(rule));
        IngressPlan.LoadBalancer loadBalancer = new IngressPlan.LoadBalancer("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/lb/1",
                "127.77.0.1", List.of(listener));
        IngressPlan.TargetGroup web = new IngressPlan.TargetGroup(GROUP, "/health", 5, 2, 3, 2, "200-202", List.of(
                new IngressPlan.Target("10.0.0.2", 8080, null),
                new IngressPlan.Target("10.0.0.3", 8080, NOW.plusSeconds(30)),
                new IngressPlan.Target("10.0.0.4", 8080, NOW.minusSeconds(1))));
        IngressPlan.TargetGroup api = new IngressPlan.TargetGroup(API, "/", 30, 5, 5, 2, "200", List.of(new IngressPlan.Target("10.0.0.5", 9000, null)));
        return new IngressPlan(List.of(loadBalancer), List.of(web, api));
    }

    @Test
    void rendersFrontendsRulesBackendsAndChecks()
    {
        HaproxyConfig config = HaproxyConfig.render(plan(), NOW, directory, Duration.ofSeconds(3600));
        String text = config.text();
        assertThat(text).contains("frontend l_llll\n    bind 127.77.0.1:80\n");
        assertThat(text).contains("acl r_rrrr_path path -m reg ^/api/.*$ ^/v.[.]json$");
        assertThat(text).contains("acl r_rrrr_host req.hdr(host),field(1,:) -m reg -i ^.*[.]example[.]com$");
        assertThat(text).contains("use_backend tg_bbbb if r_rrrr_path r_rrrr_host\n    default_backend tg_aaaa");
        assertThat(text).contains("option httpchk GET /health\n    http-check expect rstatus ^(200|201|202)$\n    timeout check 2s\n    default-server inter 5s fall 2 rise 3");
        assertThat(text).contains("server t_10_0_0_2_8080 10.0.0.2:8080 check weight 0\n");
        assertThat(text).contains("server t_10_0_0_3_8080 10.0.0.3:8080 check weight 0 disabled\n");
        assertThat(text).doesNotContain("10.0.0.4");
        assertThat(text).contains("http-check expect status 200\n");
        assertThat(config.nextDrainEnd()).contains(NOW.plusSeconds(30));
        assertThat(config.servers()).extracting(HaproxyConfig.Server::address).containsExactly("10.0.0.2", "10.0.0.3", "10.0.0.5");
    }

    @Test
    void haproxyAcceptsTheConfiguration()
            throws Exception
    {
        assumeTrue(Files.isExecutable(HaproxySupervisor.DEFAULT_BINARY), "haproxy is not installed");
        Path file = directory.resolve("haproxy.cfg");
        Files.writeString(file, HaproxyConfig.render(plan(), NOW, directory, Duration.ofSeconds(3600)).text());
        ProcessOutput check = HostProcess.run(List.of(HaproxySupervisor.DEFAULT_BINARY.toString(), "-c", "-f", file.toString()), Duration.ofSeconds(10));
        assertThat(check.succeeded()).as(check.message()).isTrue();
    }

    @Test
    void readsTargetHealthAsElbWordsIt()
    {
        HaproxyConfig config = HaproxyConfig.render(plan(), NOW, directory, Duration.ofSeconds(3600));
        String stat = "# pxname,svname,status,check_status,check_code,\n"
                + "tg_aaaa,t_10_0_0_2_8080,UP,L7OK,200,\n"
                + "tg_aaaa,t_10_0_0_3_8080,MAINT,L7OK,200,\n"
                + "tg_bbbb,t_10_0_0_5_9000,DOWN,L7STS,404,\n";
        assertThat(TargetHealthReader.read(stat, config.servers()))
                .extracting(health -> health.address() + " " + health.state() + " " + health.reason())
                .containsExactly("10.0.0.2 healthy null", "10.0.0.5 unhealthy Target.ResponseCodeMismatch");
        assertThat(TargetHealthReader.read(stat.replace("DOWN,L7STS", "DOWN,* L4TOUT"), config.servers()).get(1).reason()).isEqualTo("Target.Timeout");
        assertThat(TargetHealthReader.read(stat.replace("DOWN,L7STS", "DOWN,INI"), config.servers()).get(1).state()).isEqualTo("initial");
    }
}
