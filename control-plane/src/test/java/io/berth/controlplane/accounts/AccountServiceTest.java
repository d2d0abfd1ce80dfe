package io.berth.controlplane.accounts;

import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.store.Store;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccountServiceTest
{
    @TempDir
    Path directory;

    private Store store;
    private AccountService accounts;

    @BeforeEach
    void open()
    {
        store = Store.open("jdbc:sqlite:" + directory.resolve("berth.db"));
        accounts = new AccountService(store, new ManualClock());
    }

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void createsAccountsWithAwsShapedKeys()
    {
        AccessKey key = accounts.createAccount("team-a");
        assertThat(key.account().accountId()).matches("[1-9][0-9]{11}");
        assertThat(key.account().operator()).isFalse();
        assertThat(key.accessKeyId()).matches("AKIA[A-Z2-7]{16}");
        assertThat(key.secretAccessKey()).hasSize(40);
        assertThat(key.toString()).doesNotContain(key.secretAccessKey());
        assertThat(accounts.findAccessKey(key.accessKeyId())).contains(key);
        assertThat(accounts.findAccessKey("AKIANOTAKEY")).isEmpty();
        assertThat(accounts.listAccounts()).containsExactly(key.account());
    }

    @Test
    void namesAreUniqueAndChecked()
    {
        accounts.createAccount("team-a");
        assertThatThrownBy(() -> accounts.createAccount("team-a"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.kind()).isEqualTo(InvalidRequestException.Kind.REFUSED))
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> accounts.createAccount("bad name")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void operatorBootstrapIsIdempotentAcrossRestarts()
    {
        AccessKey first = accounts.bootstrapOperator();
        assertThat(first.account().operator()).isTrue();
        assertThat(accounts.bootstrapOperator()).isEqualTo(first);
        store.close();
        store = Store.open("jdbc:sqlite:" + directory.resolve("berth.db"));
        assertThat(new AccountService(store, new ManualClock()).bootstrapOperator()).isEqualTo(first);
    }
}
