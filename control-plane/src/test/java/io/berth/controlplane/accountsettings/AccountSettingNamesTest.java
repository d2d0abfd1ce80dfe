package io.berth.controlplane.accountsettings;

import io.berth.controlplane.resources.InvalidRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccountSettingNamesTest
{
    @Test
    void ecsNamesTakeTheirOwnValues()
    {
        assertThatCode(() -> AccountSettingNames.check("containerInsights", "enhanced")).doesNotThrowAnyException();
        assertThatCode(() -> AccountSettingNames.check("fargateTaskRetirementWaitPeriod", "14")).doesNotThrowAnyException();
        assertThatThrownBy(() -> AccountSettingNames.check("fargateTaskRetirementWaitPeriod", "3")).hasMessageContaining("[0, 14, 7]");
        assertThatThrownBy(() -> AccountSettingNames.check("containerInsights", null)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> AccountSettingNames.check("fastMode", "enabled")).hasMessageContaining("Invalid account setting name 'fastMode'");
    }

    @Test
    void whatBerthCannotDoIsRefusedNotStored()
    {
        assertThatThrownBy(() -> AccountSettingNames.check("serviceLongArnFormat", "disabled"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.kind()).isEqualTo(InvalidRequestException.Kind.REFUSED))
                .hasMessageContaining("long ARN format");
        assertThatThrownBy(() -> AccountSettingNames.check("guardDutyActivate", "on")).hasMessageContaining("not supported by Berth");
        assertThatCode(() -> AccountSettingNames.check("guardDutyActivate", "off")).doesNotThrowAnyException();
    }

    @Test
    void ecsDefaultsApplyWhereNobodySetAValue()
    {
        assertThat(AccountSettingNames.awsDefault("taskLongArnFormat")).isEqualTo("enabled");
        assertThat(AccountSettingNames.awsDefault("containerInsights")).isEqualTo("disabled");
    }
}
