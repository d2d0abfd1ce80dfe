package io.berth.common.network;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ipv4CidrTest
{
    @Test
    void parsesAndPrintsOneSpelling()
    {
        Ipv4Cidr cidr = Ipv4Cidr.parse("10.213.0.0/16");
        assertThat(cidr.toString()).isEqualTo("10.213.0.0/16");
        assertThat(cidr.size()).isEqualTo(65536);
        assertThat(Ipv4Cidr.parse("0.0.0.0/0").size()).isEqualTo(1L << 32);
        assertThat(Ipv4Cidr.parse("255.255.255.255/32").toString()).isEqualTo("255.255.255.255/32");
    }

    @Test
    void refusesWhatIsNotAnIpv4Network()
    {
        assertThatThrownBy(() -> Ipv4Cidr.parse("10.213.0.0")).hasMessageContaining("is not an IPv4 CIDR");
        assertThatThrownBy(() -> Ipv4Cidr.parse("fd00::/64")).hasMessageContaining("is not an IPv4 CIDR");
        assertThatThrownBy(() -> Ipv4Cidr.parse("10.256.0.0/16")).hasMessageContaining("256 is not an octet");
        assertThatThrownBy(() -> Ipv4Cidr.parse("10.0.0.0/33")).hasMessageContaining("at most 32");
        assertThatThrownBy(() -> Ipv4Cidr.parse("10.213.0.5/16")).hasMessageContaining("has host bits set: its network is 10.213.0.0/16");
        assertThatThrownBy(() -> Ipv4Cidr.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ipv4Cidr(1L << 32, 32)).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> new Ipv4Cidr(0, 33)).hasMessageContaining("prefix length out of range");
    }

    @Test
    void containsAndOverlaps()
    {
        Ipv4Cidr wide = Ipv4Cidr.parse("10.213.0.0/16");
        Ipv4Cidr slice = Ipv4Cidr.parse("10.213.4.0/24");
        assertThat(wide.contains(slice)).isTrue();
        assertThat(slice.contains(wide)).isFalse();
        assertThat(wide.overlaps(slice)).isTrue();
        assertThat(slice.overlaps(wide)).isTrue();
        assertThat(slice.overlaps(Ipv4Cidr.parse("10.213.5.0/24"))).isFalse();
        assertThat(wide.overlaps(Ipv4Cidr.parse("10.214.0.0/16"))).isFalse();
    }

    @Test
    void containsAnAddress()
    {
        Ipv4Cidr slice = Ipv4Cidr.parse("10.213.3.0/24");
        assertThat(slice.contains("10.213.3.0")).isTrue();
        assertThat(slice.contains("10.213.3.255")).isTrue();
        assertThat(slice.contains("10.213.4.0")).isFalse();
        assertThat(Ipv4Cidr.parse("0.0.0.0/0").contains("203.0.113.9")).isTrue();
        assertThatThrownBy(() -> slice.contains("10.213.3")).hasMessageContaining("invalid IPv4 address '10.213.3'");
    }

    @Test
    void namesItsNetworkAndGatewayAddresses()
    {
        Ipv4Cidr slice = Ipv4Cidr.parse("10.213.3.0/24");
        assertThat(slice.networkAddress()).isEqualTo("10.213.3.0");
        assertThat(slice.firstHost()).isEqualTo("10.213.3.1");
        assertThat(slice.lastAddress()).isEqualTo(Ipv4Cidr.parseAddress("10.213.3.255"));
    }

    @Test
    void findsTheNetworkThatHoldsAnAddress()
    {
        assertThat(Ipv4Cidr.containing(Ipv4Cidr.parseAddress("10.213.3.7"), 24)).isEqualTo(Ipv4Cidr.parse("10.213.3.0/24"));
        assertThat(Ipv4Cidr.containing(Ipv4Cidr.parseAddress("10.213.3.7"), 0)).isEqualTo(Ipv4Cidr.parse("0.0.0.0/0"));
        assertThat(Ipv4Cidr.containing(Ipv4Cidr.parseAddress("10.213.3.7"), 32)).isEqualTo(Ipv4Cidr.parse("10.213.3.7/32"));
    }

    @Test
    void parsesAndFormatsAddresses()
    {
        assertThat(Ipv4Cidr.parseAddress("10.213.3.1")).isEqualTo(0x0AD5_0301L);
        assertThat(Ipv4Cidr.parseAddress("255.255.255.255")).isEqualTo(0xFFFF_FFFFL);
        assertThat(Ipv4Cidr.formatAddress(0x0AD5_0301L)).isEqualTo("10.213.3.1");
        assertThatThrownBy(() -> Ipv4Cidr.parseAddress("10.213.3.256")).hasMessageContaining("invalid IPv4 address");
        assertThatThrownBy(() -> Ipv4Cidr.parseAddress("10.213.3.1/24")).hasMessageContaining("invalid IPv4 address");
        assertThatThrownBy(() -> Ipv4Cidr.parseAddress(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
