package io.berth.agent.network;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskMetadataAddressTest
{
    @Test
    void dnatsOnlyPort80OfTheLinkLocalAddressToTheGatewaysMetadataPort()
    {
        assertThat(TaskMetadataAddress.render("10.213.4.1", 51680)).isEqualTo("""
                table ip berth_task_metadata
                delete table ip berth_task_metadata
                table ip berth_task_metadata {
                    chain output {
                        type nat hook output priority -100; policy accept;
                        ip daddr 169.254.170.2 tcp dport 80 dnat to 10.213.4.1:51680
                    }
                }
                """);
    }

    @Test
    void refusesWhatIsNotAnAddressOrAPort()
    {
        assertThatThrownBy(() -> TaskMetadataAddress.render("10.0.0.1; flush ruleset", 51680)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskMetadataAddress.render("10.0.0.1", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskMetadataAddress.render("10.0.0.1", 65536)).isInstanceOf(IllegalArgumentException.class);
    }
}
