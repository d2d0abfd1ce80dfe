package io.berth.controlplane.store;

import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.secrets.Parameter;
import io.berth.controlplane.secrets.ParameterService;
import io.berth.controlplane.secrets.SecretCipher;
import io.berth.controlplane.secrets.SecretService;
import io.berth.controlplane.secrets.SecretValue;
import io.berth.controlplane.secrets.SecretsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Secrets and parameters through their services on a real store; run against SQLite and PostgreSQL by the subclasses. */
abstract class SecretsStoreContractTest
{
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
    private final Clock clock = new Clock()
    {
        @Override
        public ZoneOffset getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone)
        {
            return this;
        }

        @Override
        public Instant instant()
        {
            return now.get();
        }
    };
    private Store store;
    private SecretService secrets;
    private ParameterService parameters;
    private String account;

    protected abstract String jdbcUrl();

    @BeforeEach
    void open()
    {
        store = Store.open(jdbcUrl());
        SecretCipher cipher = SecretCipher.ephemeral();
        secrets = new SecretService(store, cipher, clock);
        parameters = new ParameterService(store, cipher, clock);
        account = String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
    }

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void versionsMoveStagesAndOlderOnesGo()
    {
        SecretService.SecretAndVersion created = secrets.create(account, "eu-west-1", "db", "desc", List.of(new Tag("k", "v")), null, SecretValue.ofString("one"));
        assertThat(created.secret().arn()).matches("arn:aws:secretsmanager:eu-west-1:" + account + ":secret:db-[A-Za-z0-9]{6}");
        secrets.put(account, "db", null, SecretValue.ofString("two"), null);
        SecretService.SecretAndVersion third = secrets.put(account, created.secret().arn(), null, SecretValue.ofString("three"), null);
        SecretService.DescribedSecret described = secrets.describe(account, "db");
        assertThat(described.versions()).hasSize(2);
        assertThat(secrets.value(account, "db", null, null).value().string()).isEqualTo("three");
        assertThat(secrets.value(account, "db", null, "AWSPREVIOUS").value().string()).isEqualTo("two");
        assertThatThrownBy(() -> secrets.value(account, "db", created.version().versionId(), null)).isInstanceOf(SecretsException.class);
        assertThat(described.secret().tags()).containsExactly(new Tag("k", "v"));
        // the same token again with the same value is the same version; with another value it is refused
        assertThat(secrets.put(account, "db", third.version().versionId(), SecretValue.ofString("three"), null).version().versionId()).isEqualTo(third.version().versionId());
        assertThatThrownBy(() -> secrets.put(account, "db", third.version().versionId(), SecretValue.ofString("four"), null))
                .isInstanceOfSatisfying(SecretsException.class, e -> assertThat(e.kind()).isEqualTo(SecretsException.Kind.ALREADY_EXISTS));
    }

    @Test
    void aScheduledDeletionLapsesAndFreesTheName()
    {
        secrets.create(account, "us-east-1", "temp", null, List.of(), null, SecretValue.ofBinary(new byte[] {1, 2}));
        secrets.delete(account, "temp", 7, false);
        assertThatThrownBy(() -> secrets.value(account, "temp", null, null))
                .isInstanceOfSatisfying(SecretsException.class, e -> assertThat(e.kind()).isEqualTo(SecretsException.Kind.INVALID_REQUEST));
        now.set(now.get().plus(Duration.ofDays(7)));
        assertThatThrownBy(() -> secrets.describe(account, "temp"))
                .isInstanceOfSatisfying(SecretsException.class, e -> assertThat(e.kind()).isEqualTo(SecretsException.Kind.NOT_FOUND));
        assertThat(secrets.create(account, "us-east-1", "temp", null, List.of(), null, SecretValue.ofString("new")).version()).isNotNull();
    }

    @Test
    void parametersVersionAndListByPath()
    {
        parameters.put(account, "/a/b", Parameter.ParameterType.String, "1", null, false);
        assertThat(parameters.put(account, "/a/b", null, "2", null, true)).isEqualTo(2);
        parameters.put(account, "/a/c/d", Parameter.ParameterType.SecureString, "secure", null, false);
        parameters.put(account, "/a_b", Parameter.ParameterType.String, "not under /a", null, false);
        assertThat(parameters.get(account, "/a/b", false).value()).isEqualTo("2");
        assertThat(parameters.get(account, "/a/c/d", false).value()).isNotEqualTo("secure");
        assertThat(parameters.get(account, "/a/c/d", true).value()).isEqualTo("secure");
        assertThat(parameters.byPath(account, "/a", false, true, 0, 10).items()).extracting(read -> read.parameter().name()).containsExactly("/a/b");
        assertThat(parameters.byPath(account, "/a", true, true, 0, 10).items()).extracting(read -> read.parameter().name()).containsExactly("/a/b", "/a/c/d");
        assertThat(parameters.byPath("999999999999", "/a", true, true, 0, 10).items()).isEmpty();
        parameters.delete(account, "/a/b");
        assertThatThrownBy(() -> parameters.get(account, "/a/b", true)).isInstanceOf(SecretsException.class);
    }

    @Test
    void theStoreHoldsNoValueInClear()
    {
        secrets.create(account, "us-east-1", "clear-check", null, List.of(), null, SecretValue.ofString("needle-in-secret"));
        parameters.put(account, "/clear/check", Parameter.ParameterType.String, "needle-in-parameter", null, false);
        List<String> stored = store.inTransaction(transaction -> {
            List<String> values = new java.util.ArrayList<>();
            transaction.secrets().findByName(account, "clear-check").ifPresent(secret ->
                    transaction.secrets().versions(secret.arn()).forEach(version -> values.add(version.sealedValue())));
            transaction.parameters().find(account, "/clear/check").ifPresent(parameter -> values.add(parameter.sealedValue()));
            return values;
        });
        assertThat(stored).hasSize(2).allSatisfy(value -> assertThat(value).startsWith("v1:").doesNotContain("needle"));
    }
}
