package io.berth.controlplane.agents.wakeups;

import io.berth.common.agentprotocol.HostChange;
import io.berth.common.hostauth.HostCredential;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.agents.access.HostAccess;
import io.berth.controlplane.agents.access.HostAccessDeniedException;
import io.berth.controlplane.store.Store;
import io.berth.testing.TestPostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Two replicas' relays on one PostgreSQL database: a signal raised on one wakes an agent waiting on the other. */
class HostChangeRelayTest
{
    @RegisterExtension
    static final TestPostgresExtension postgres = new TestPostgresExtension();

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final List<Store> stores = new ArrayList<>();

    @Test
    void aChangeOnOneReplicaWakesTheAgentWaitingOnAnother()
            throws Exception
    {
        HostSignals first = new HostSignals();
        HostSignals second = new HostSignals();
        try (HostChangeRelay ignored = HostChangeRelay.start(postgres.jdbcUrl(), "replica-a", first, access());
                HostChangeRelay alsoIgnored = HostChangeRelay.start(postgres.jdbcUrl(), "replica-b", second, access())) {
            awaitListening(2);
            first.signal("host-1");
            assertThat(second.await("host-1", WAIT)).isTrue();
            // and only that host
            assertThat(second.await("host-2", Duration.ofMillis(200))).isFalse();
        }
    }

    @Test
    void aChangeOfAHostsNetworkAloneReachesAnotherReplicaAsSuch()
            throws Exception
    {
        HostSignals first = new HostSignals();
        HostSignals second = new HostSignals();
        try (HostChangeRelay ignored = HostChangeRelay.start(postgres.jdbcUrl(), "replica-a", first, access());
                HostChangeRelay alsoIgnored = HostChangeRelay.start(postgres.jdbcUrl(), "replica-b", second, access())) {
            awaitListening(2);
            first.signalNetwork("host-1");
            // the agent waiting on the other replica fetches its plan, not syncs
            assertThat(second.awaitChange("host-1", WAIT)).isEqualTo(HostChange.NETWORK);
            first.signal("host-1");
            assertThat(second.awaitChange("host-1", WAIT)).isEqualTo(HostChange.ANY);
        }
    }

    @Test
    void aReplicaWhoseListenerWasCutOffListensAgainAndWakesItsAgents()
            throws Exception
    {
        HostSignals first = new HostSignals();
        HostSignals second = new HostSignals();
        try (HostChangeRelay ignored = HostChangeRelay.start(postgres.jdbcUrl(), "replica-a", first, access());
                HostChangeRelay alsoIgnored = HostChangeRelay.start(postgres.jdbcUrl(), "replica-b", second, access())) {
            awaitListening(2);
            second.clear("host-1");
            // the database ends the second replica's listening session, as a restart or a network cut would
            try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
                    PreparedStatement terminate = connection.prepareStatement(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?")) {
                terminate.setString(1, "berth wake-ups replica-b");
                terminate.executeQuery().close();
            }
            // changes sent while it was away are lost: it wakes every agent it has seen, so none waits for its heartbeat
            assertThat(second.await("host-1", WAIT)).isTrue();
            second.clear("host-1");
            awaitListening(2);
            first.signal("host-1");
            assertThat(second.await("host-1", WAIT)).isTrue();
        }
    }

    @Test
    void aHostsCredentialChangedOnOneReplicaIsReadAgainOnAnotherAtItsNextCall()
            throws Exception
    {
        HostAccess firstAccess = access();
        HostAccess secondAccess = access();
        HostCredential credential = firstAccess.issueCredential("host-relayed");
        try (HostChangeRelay ignored = HostChangeRelay.start(postgres.jdbcUrl(), "replica-a", new HostSignals(), firstAccess);
                HostChangeRelay alsoIgnored = HostChangeRelay.start(postgres.jdbcUrl(), "replica-b", new HostSignals(), secondAccess)) {
            awaitListening(2);
            assertThat(secondAccess.authenticate(credential.authorizationHeader())).isEqualTo("host-relayed");
            // a new secret issued on the first replica: the second must not go on accepting the old one from what it kept
            HostCredential replaced = firstAccess.issueCredential("host-relayed");
            // well within the five seconds a credential is kept: only the notice can make it refused this soon
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            boolean refused = false;
            while (!refused && System.nanoTime() < deadline) {
                try {
                    secondAccess.authenticate(credential.authorizationHeader());
                    Thread.sleep(20);
                }
                catch (HostAccessDeniedException e) {
                    refused = true;
                }
            }
            assertThat(refused).as("the old secret refused on the other replica before what it kept is old").isTrue();
            assertThat(secondAccess.authenticate(replaced.authorizationHeader())).isEqualTo("host-relayed");
        }
    }

    /** A replica's host access on the test's database (its store is closed with the test's other resources). */
    private HostAccess access()
    {
        Store store = Store.open(postgres.jdbcUrl());
        stores.add(store);
        return new HostAccess(store, Clock.systemUTC());
    }

    @AfterEach
    void closeStores()
    {
        stores.forEach(Store::close);
        stores.clear();
    }

    @Test
    void aReplicaSkipsItsOwnNotifications()
            throws Exception
    {
        HostSignals signals = new HostSignals();
        try (HostChangeRelay ignored = HostChangeRelay.start(postgres.jdbcUrl(), "replica-a", signals, access())) {
            awaitListening(1);
            signals.signal("host-1");
            signals.clear("host-1");
            // its own notification comes back to it and must not raise the host again after the clear
            assertThat(signals.await("host-1", Duration.ofMillis(700))).isFalse();
        }
    }

    @Test
    void manyHostsGoInNotificationsUnderPostgresqlsPayloadLimit()
    {
        Set<String> hosts = new LinkedHashSet<>(IntStream.range(0, 2000).mapToObj(i -> "host-" + "0".repeat(8) + i).toList());
        List<String> payloads = HostChangeRelay.payloads("replica-a", hosts);
        assertThat(payloads).hasSizeGreaterThan(1).allSatisfy(payload -> {
            assertThat(payload).startsWith("replica-a|");
            assertThat(payload.length()).isLessThan(8000);
        });
        assertThat(payloads.stream().flatMap(payload -> List.of(payload.substring("replica-a|".length()).split(",")).stream()).toList())
                .containsExactlyElementsOf(hosts);
    }

    /** Waits until count relays' listening sessions are open (their LISTEN ran). */
    private static void awaitListening(int count)
            throws Exception
    {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
                    PreparedStatement listening = connection.prepareStatement(
                            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'berth wake-ups %' AND query LIKE 'LISTEN%'");
                    ResultSet row = listening.executeQuery()) {
                row.next();
                if (row.getInt(1) >= count) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("relays listening within " + WAIT).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
