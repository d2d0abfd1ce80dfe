package io.berth.common.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class JdkHttpServersTest
{
    @Test
    void aServerMadeHereTurnsNagleOffForEveryServerOfTheJvmUnlessTheOperatorSaidOtherwise()
            throws Exception
    {
        String before = System.getProperty(JdkHttpServers.NO_DELAY_PROPERTY);
        try {
            System.clearProperty(JdkHttpServers.NO_DELAY_PROPERTY);
            HttpServer server = JdkHttpServers.http(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.stop(0);
            assertThat(System.getProperty(JdkHttpServers.NO_DELAY_PROPERTY)).isEqualTo("true");

            System.setProperty(JdkHttpServers.NO_DELAY_PROPERTY, "false");
            JdkHttpServers.configure();
            assertThat(System.getProperty(JdkHttpServers.NO_DELAY_PROPERTY)).isEqualTo("false");
        }
        finally {
            if (before == null) {
                System.clearProperty(JdkHttpServers.NO_DELAY_PROPERTY);
            }
            else {
                System.setProperty(JdkHttpServers.NO_DELAY_PROPERTY, before);
            }
        }
    }
}
