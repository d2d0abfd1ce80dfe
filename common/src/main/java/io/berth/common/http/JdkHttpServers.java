package io.berth.common.http;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Makes Berth's HTTP servers, each with TCP_NODELAY on its connections. The JDK's server writes an answer's headers
 * and its body apart (over TLS, each in a record of its own); with Nagle's algorithm on, which is the JDK server's
 * default, the second write waits until the client acknowledges the first, and a client delays that acknowledgement
 * by up to 40 ms: measured, every API call answered 40-45 ms late on loopback (docs/benchmarks.md).
 */
public final class JdkHttpServers
{
    /** Read once, by the first server the JVM makes: set it before any is made. */
    static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private JdkHttpServers() {}

    /** Sets the JVM-wide options of the JDK's servers, unless the operator set them with -D. */
    public static void configure()
    {
        if (System.getProperty(NO_DELAY_PROPERTY) == null) {
            System.setProperty(NO_DELAY_PROPERTY, "true");
        }
    }

    public static HttpServer http(InetSocketAddress bind, int backlog)
            throws IOException
    {
        configure();
        return HttpServer.create(bind, backlog);
    }

    public static HttpsServer https(InetSocketAddress bind, int backlog)
            throws IOException
    {
        configure();
        return HttpsServer.create(bind, backlog);
    }
}
