package io.berth.controlplane.registry;

import com.nimbusds.jwt.SignedJWT;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.store.Store;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may pull and push what in Berth's registry, and the tokens that carry it. */
class RegistryGrantsTest
{
    private static final String A = "111111111111";
    private static final String B = "222222222222";

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private Store store;
    private RepositoryService repositories;
    private RegistryTokens tokens;
    private RegistryAccess access;

    @BeforeEach
    void setUp()
            throws Exception
    {
        store = Store.open("jdbc:sqlite:" + directory.resolve("berth.db"));
        store.useTransaction(transaction -> {
            transaction.accounts().insert(new Account(A, "a", false), clock.instant());
            transaction.accounts().insert(new Account(B, "b", false), clock.instant());
        });
        repositories = new RepositoryService(store, RegistryContents.NONE, clock);
        tokens = new RegistryTokens(RegistrySigningKey.loadOrCreate(directory.resolve("key")), clock);
        access = new RegistryAccess(repositories, tokens);
    }

    @AfterEach
    void tearDown()
    {
        store.close();
    }

    @Test
    void aLoginIsItsAccountsUntilItExpires()
    {
        LoginToken login = tokens.login(A, Duration.ofHours(1));
        assertThat(access.login(login.password())).contains(A);
        assertThat(login.toString()).doesNotContain(login.password());

        clock.advance(Duration.ofMinutes(61));
        assertThat(access.login(login.password())).isEmpty();
    }

    @Test
    void onlyBerthsLoginsLogIn()
            throws Exception
    {
        assertThat(access.login("not-a-token")).isEmpty();
        // a registry access token is signed with the same key, but is not a login
        assertThat(access.login(tokens.access(A, List.of()))).isEmpty();
        // a login signed with another key
        RegistryTokens other = new RegistryTokens(RegistrySigningKey.loadOrCreate(directory.resolve("other-key")), clock);
        assertThat(access.login(other.login(A, Duration.ofHours(1)).password())).isEmpty();
        // the key is kept: loaded again, it verifies what it signed before
        RegistryTokens reloaded = new RegistryTokens(RegistrySigningKey.loadOrCreate(directory.resolve("key")), clock);
        assertThat(reloaded.accountOf(tokens.login(A, Duration.ofHours(1)).password())).contains(A);
    }

    @Test
    void anAccountPullsAndPushesItsOwnRepositoriesAndTheFirstPushMakesOne()
    {
        // its own path: a pull of what is not there finds nothing in the registry, and makes no repository
        assertThat(access.grant(A, "repository:" + A + "/app:pull")).contains(AccessGrant.repository(A + "/app", List.of("pull")));
        assertThat(store.inTransaction((io.berth.controlplane.store.StoreTransaction transaction) -> transaction.repositories().find(A, "app"))).isEmpty();
        assertThat(access.grant(A, "repository:" + A + "/app:pull,push")).contains(AccessGrant.repository(A + "/app", List.of("pull", "push")));
        assertThat(repositories.find(A, "app").publicRead()).isFalse();
        assertThat(access.grant(A, "repository:" + A + "/app:pull")).contains(AccessGrant.repository(A + "/app", List.of("pull")));
        assertThat(access.grant(A, "repository:" + A + "/app:delete,*")).as("only pull and push").isEmpty();
    }

    @Test
    void anotherAccountsRepositoryIsUnreadableUnlessPublicAndNeverWritable()
    {
        repositories.create(A, "app");
        assertThat(access.grant(B, "repository:" + A + "/app:pull")).isEmpty();
        assertThat(access.grant(B, "repository:" + A + "/app:pull,push")).isEmpty();
        assertThat(access.grant(B, "repository:" + A + "/new:push")).as("no push creates a repository in another account").isEmpty();
        assertThat(store.inTransaction((io.berth.controlplane.store.StoreTransaction transaction) -> transaction.repositories().find(A, "new"))).isEmpty();

        repositories.setPublic(A, "app", true);
        assertThat(access.grant(B, "repository:" + A + "/app:pull,push")).contains(AccessGrant.repository(A + "/app", List.of("pull")));
        assertThat(access.grant(B, "repository:" + A + "/app:push")).isEmpty();
    }

    @Test
    void otherScopesGetNothing()
    {
        repositories.create(A, "app");
        assertThat(access.grant(A, "registry:catalog:*")).isEmpty();
        assertThat(access.grant(A, "repository:app:pull")).as("a path without an account").isEmpty();
        assertThat(access.grant(A, "repository:" + A + "/App:pull")).isEmpty();
        assertThat(access.grant(A, "repository:" + A + "/app")).isEmpty();
    }

    @Test
    void theTokenIsWhatDockerRegistryVerifies()
            throws Exception
    {
        repositories.create(A, "app");
        SignedJWT token = SignedJWT.parse(access.token(A, List.of("repository:" + A + "/app:pull,push", "repository:" + B + "/x:pull")));

        assertThat(token.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(token.getHeader().getX509CertChain()).hasSize(1);
        assertThat(token.getJWTClaimsSet().getIssuer()).isEqualTo(RegistrySettings.ISSUER);
        // distribution reads aud as one string
        assertThat(token.getPayload().toJSONObject().get("aud")).isEqualTo(RegistrySettings.SERVICE);
        assertThat(token.getJWTClaimsSet().getSubject()).isEqualTo(A);
        assertThat(token.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(clock.instant().plus(RegistryTokens.ACCESS_LIFETIME));
        assertThat(token.getJWTClaimsSet().getListClaim("access")).containsExactly(
                Map.of("type", "repository", "name", A + "/app", "actions", List.of("pull", "push")));
    }
}
