package io.berth.e2e;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback that a test can cut as a network partition does: {@link #cut()} stops carrying bytes both
 * ways on every connection and holds new connections unanswered, without closing anything (so the peers see silence,
 * not a reset, and a transaction in flight stays open on the server); {@link #heal()} carries on where it stopped.
 */
final class CuttableTcpProxy
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(CuttableTcpProxy.class);
    private static final int PAUSE_MILLIS = 10;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private volatile boolean closed;

    private CuttableTcpProxy(ServerSocket listener, InetSocketAddress target)
    {
        this.listener = listener;
        this.target = target;
    }

    static CuttableTcpProxy start(String targetHost, int targetPort)
            throws IOException
    {
        CuttableTcpProxy proxy = new CuttableTcpProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), new InetSocketAddress(targetHost, targetPort));
        Thread.ofVirtual().name("proxy-accept").start(proxy::acceptLoop);
        return proxy;
    }

    int port()
    {
        return listener.getLocalPort();
    }

    void cut()
    {
        cut = true;
        log.info("proxy to {} cut", target);
    }

    void heal()
    {
        cut = false;
        log.info("proxy to {} healed", target);
    }

    private void acceptLoop()
    {
        while (!closed) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                Thread.ofVirtual().start(() -> connect(client));
            }
            catch (IOException e) {
                if (!closed) {
                    log.warn("proxy to {} stopped accepting: {}", target, e.toString());
                }
                return;
            }
        }
    }

    private void connect(Socket client)
    {
        try {
            awaitHealed();
            Socket server = new Socket();
            sockets.add(server);
            server.connect(target, 5000);
            Thread.ofVirtual().start(() -> pump(client, server));
            pump(server, client);
        }
        catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    /** Copies from one socket to the other, holding what it read while the proxy is cut. */
    private void pump(Socket from, Socket to)
    {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream input = from.getInputStream(); OutputStream output = to.getOutputStream()) {
            while (!closed) {
                awaitHealed();
                int read = input.read(buffer);
                if (read < 0) {
                    break;
                }
                awaitHealed();
                output.write(buffer, 0, read);
                output.flush();
            }
        }
        catch (IOException | InterruptedException e) {
            // the other side went away, or the proxy closed
        }
        finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitHealed()
            throws InterruptedException
    {
        while (cut && !closed) {
            Thread.sleep(PAUSE_MILLIS);
        }
    }

    private static void closeQuietly(Socket socket)
    {
        try {
            socket.close();
        }
        catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close()
            throws IOException
    {
        closed = true;
        listener.close();
        sockets.forEach(CuttableTcpProxy::closeQuietly);
    }
}
