package io.berth.controlplane.agents.wakeups;

import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.agents.access.HostAccess;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Relays host wake-ups between the control-plane replicas of one PostgreSQL store with LISTEN/NOTIFY on the channel
 * {@value #CHANNEL}. A signal raised here is queued and sent by a thread of its own (the API call that made the change
 * never waits on it), many hosts to a notification; each notification says which replica sent it, so a replica skips
 * its own. Another thread listens on a connection of its own and wakes the named hosts' agents that wait here. Both
 * connections have connect and read deadlines and are made again after a failure; after the listener reconnects it
 * wakes every agent seen here, since notifications sent meanwhile are lost (a woken agent only syncs once more). A
 * wake-up that does not come is not lost work either: the agent syncs at its next heartbeat anyway. A change of a host's
 * network alone goes as its host id after {@value #NETWORK_ONLY} (a replica of a build before that wakes no host for
 * it, a host id never starts with it, and its agent learns of it at its next heartbeat). A change of a host's credential
 * goes as its host id after {@value #CREDENTIAL_CHANGED}: the other replicas forget what they kept of it (see
 * {@link HostAccess}), and a replica whose listener was cut off forgets every credential it kept, since notices sent
 * meanwhile are lost (a replica of a build before keeps none).
 */
public final class HostChangeRelay
        implements HostSignals.Publisher, HostAccess.CredentialChanges, AutoCloseable
{
    static final String CHANNEL = "berth_host_changes";
    static final char NETWORK_ONLY = '~';
    static final char CREDENTIAL_CHANGED = '!';
    /** PostgreSQL refuses payloads of 8000 bytes or more. */
    private static final int MAX_PAYLOAD = 7000;
    private static final int MAX_QUEUED = 100_000;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(HostChangeRelay.class);

    private final String jdbcUrl;
    private final String replicaId;
    private final HostSignals signals;
    private final HostAccess access;
    private final BlockingQueue<String> outgoing = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Thread sender;
    private final Thread listener;
    private volatile boolean running = true;

    private HostChangeRelay(String jdbcUrl, String replicaId, HostSignals signals, HostAccess access)
    {
        this.access = requireNonNull(access, "access is null");
        this.jdbcUrl = requireNonNull(jdbcUrl, "jdbcUrl is null");
        this.replicaId = requireNonNull(replicaId, "replicaId is null");
        this.signals = requireNonNull(signals, "signals is null");
        if (replicaId.contains("|")) {
            throw new IllegalArgumentException("a replica id must not contain '|': " + replicaId);
        }
        this.sender = Thread.ofPlatform().name("berth-wakeups-send").daemon().unstarted(this::sendLoop);
        this.listener = Thread.ofPlatform().name("berth-wakeups-listen").daemon().unstarted(this::listenLoop);
    }

    /**
     * Starts relaying: signals raised on signals are published to the other replicas, and theirs raised on signals here;
     * and so are the changes of host credentials made through access.
     */
    public static HostChangeRelay start(String jdbcUrl, String replicaId, HostSignals signals, HostAccess access)
    {
        HostChangeRelay relay = new HostChangeRelay(jdbcUrl, replicaId, signals, access);
        relay.sender.start();
        relay.listener.start();
        signals.publishTo(relay);
        access.publishCredentialChangesTo(relay);
        return relay;
    }

    @Override
    public void changed(String hostId)
    {
        if (running && !outgoing.offer(CREDENTIAL_CHANGED + hostId)) {
            // the other replicas then keep what they read of it for at most KeptCredentials.MAX_AGE
            log.warn("change of host {}'s credential not relayed: {} notices are queued already", hostId, MAX_QUEUED);
        }
    }

    @Override
    public void publish(String hostId, boolean networkOnly)
    {
        if (running && !outgoing.offer(networkOnly ? NETWORK_ONLY + hostId : hostId)) {
            log.debug("wake-up of host {} not relayed: {} are queued already; its agent syncs at its next heartbeat", hostId, MAX_QUEUED);
        }
    }

    private void sendLoop()
    {
        Connection connection = null;
        while (running) {
            try {
                String first = outgoing.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                Set<String> hosts = new LinkedHashSet<>();
                hosts.add(first);
                outgoing.drainTo(hosts);
                if (connection == null) {
                    connection = connect();
                }
                try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                    for (String payload : payloads(replicaId, hosts)) {
                        notify.setString(1, CHANNEL);
                        notify.setString(2, payload);
                        notify.execute();
                    }
                }
            }
            catch (InterruptedException e) {
                break;
            }
            catch (SQLException | RuntimeException e) {
                log.warn("control plane replica {} could not tell the other replicas of changed hosts (their agents sync at their next heartbeat): {}", replicaId, e.toString());
                connection = closeQuietly(connection);
                pause();
            }
        }
        closeQuietly(connection);
    }

    private void listenLoop()
    {
        boolean first = true;
        while (running) {
            Connection connection = null;
            try {
                connection = connect();
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + CHANNEL);
                }
                if (!first) {
                    log.info("control plane replica {} listens for other replicas' changes again; waking every agent seen here", replicaId);
                    access.credentialsMayHaveChangedElsewhere();
                    signals.hostsSeenHere().forEach(signals::signalHere);
                }
                first = false;
                PGConnection notifications = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] received = notifications.getNotifications((int) POLL.toMillis());
                    for (PGNotification notification : received == null ? new PGNotification[0] : received) {
                        receive(notification.getParameter());
                    }
                }
            }
            catch (SQLException | RuntimeException e) {
                // a credential changed elsewhere from now on goes untold: none kept here may serve
                access.credentialsMayHaveChangedElsewhere();
                if (running) {
                    log.warn("control plane replica {} stopped hearing other replicas' changes (its agents sync at their heartbeat until it listens again): {}",
                            replicaId, e.toString());
                    pause();
                }
            }
            finally {
                closeQuietly(connection);
            }
        }
    }

    private void receive(String payload)
    {
        int bar = payload.indexOf('|');
        if (bar < 0 || payload.substring(0, bar).equals(replicaId)) {
            return;
        }
        for (String hostId : payload.substring(bar + 1).split(",")) {
            if (hostId.length() > 1 && hostId.charAt(0) == NETWORK_ONLY) {
                signals.signalNetworkHere(hostId.substring(1));
            }
            else if (hostId.length() > 1 && hostId.charAt(0) == CREDENTIAL_CHANGED) {
                access.credentialChangedElsewhere(hostId.substring(1));
            }
            else if (!hostId.isEmpty()) {
                signals.signalHere(hostId);
            }
        }
    }

    /** SENDER|HOST,HOST,...: as many notifications as the hosts need, each under PostgreSQL's payload limit. */
    static List<String> payloads(String sender, Set<String> hosts)
    {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder(sender).append('|');
        int empty = payload.length();
        for (String host : hosts) {
            if (payload.length() > empty && payload.length() + 1 + host.length() > MAX_PAYLOAD) {
                payloads.add(payload.toString());
                payload.setLength(empty);
            }
            if (payload.length() > empty) {
                payload.append(',');
            }
            payload.append(host);
        }
        if (payload.length() > empty) {
            payloads.add(payload.toString());
        }
        return payloads;
    }

    private Connection connect()
            throws SQLException
    {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        properties.setProperty("socketTimeout", Long.toString(READ_TIMEOUT.toSeconds()));
        properties.setProperty("ApplicationName", "berth wake-ups " + replicaId);
        Connection connection = DriverManager.getConnection(jdbcUrl, properties);
        connection.setAutoCommit(true);
        return connection;
    }

    private static Connection closeQuietly(Connection connection)
    {
        if (connection != null) {
            try {
                connection.close();
            }
            catch (SQLException e) {
                log.debug("closing a wake-up connection failed: {}", e.toString());
            }
        }
        return null;
    }

    private void pause()
    {
        try {
            Thread.sleep(RETRY.toMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops relaying; signals raised from now on stay on this replica. */
    @Override
    public void close()
    {
        running = false;
        signals.publishTo(HostSignals.Publisher.NONE);
        sender.interrupt();
        listener.interrupt();
        try {
            sender.join(READ_TIMEOUT.toMillis());
            listener.join(READ_TIMEOUT.toMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
