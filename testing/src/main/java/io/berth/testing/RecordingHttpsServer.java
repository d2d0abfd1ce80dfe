package io.berth.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.berth.common.http.JdkHttpServers;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTPS server on loopback that records every request it receives (method, path, body) and answers 500: what a
 * test sends an agent to when it must prove the agent sent nothing there (a server with another CA than the pinned one).
 */
public final class RecordingHttpsServer
        implements AutoCloseable
{
    private final HttpsServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    private RecordingHttpsServer(HttpsServer server)
    {
        this.server = server;
    }

    /** Serves TLS with tls (its key and certificate chain) on a free loopback port. */
    public static RecordingHttpsServer start(SSLContext tls)
            throws IOException
    {
        HttpsServer server = JdkHttpServers.https(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        RecordingHttpsServer recording = new RecordingHttpsServer(server);
        server.createContext("/", exchange -> {
            recording.received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        return recording;
    }

    public URI endpoint()
    {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every request received so far, as "METHOD URI BODY". */
    public List<String> received()
    {
        return List.copyOf(received);
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
