package io.berth.controlplane;

import io.berth.controlplane.api.http.ApiServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * A control plane with its API server on a loopback port, for tests that speak HTTP to it. The server runs on
 * the control plane's clock; closing stops the server, then the control plane.
 */
public final class ServedControlPlane
        implements AutoCloseable
{
    private final ControlPlane controlPlane;
    private final ApiServer server;

    private ServedControlPlane(ControlPlane controlPlane, ApiServer server)
    {
        this.controlPlane = requireNonNull(controlPlane, "controlPlane is null");
        this.server = requireNonNull(server, "server is null");
    }

    /** Starts the server serving ECS (and ECR with a registry), admin and whatever {@code extend} adds (a throttle, a mounted handler) before it starts. */
    public static ServedControlPlane start(ControlPlaneConfig config, BiFunction<ApiServer, ControlPlane, ApiServer> extend)
    {
        ControlPlane controlPlane = new ControlPlane(config);
        try {
            ApiServer server = extend.apply(ApiServer.serving(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), controlPlane.accessKeys(),
                    controlPlane.services(), controlPlane.queryServices(), controlPlane.adminEndpoints(), config.clock()), controlPlane);
            server.start();
            return new ServedControlPlane(controlPlane, server);
        }
        catch (RuntimeException e) {
            controlPlane.close();
            throw e;
        }
    }

    public ControlPlane controlPlane()
    {
        return controlPlane;
    }

    public ApiServer server()
    {
        return server;
    }

    @Override
    public void close()
    {
        server.close();
        controlPlane.close();
    }
}
