package io.berth.e2e;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.ecs.EcsClient;

import java.nio.file.Files;

import static java.util.Objects.requireNonNull;

/**
 * A Berth of a test class's own with two tenant accounts and an ECS client of each: the owner, whose resources a
 * test makes, and a stranger, who must neither see nor touch them. Register it as a static {@code @RegisterExtension}.
 */
final class TwoAccounts
        implements BeforeAllCallback, AfterAllCallback
{
    private final String name;
    private BerthEnvironment environment;
    private AccountKeys ownerKeys;
    private EcsClient owner;
    private EcsClient stranger;

    TwoAccounts(String name)
    {
        this.name = requireNonNull(name, "name is null");
    }

    @Override
    public void beforeAll(ExtensionContext context)
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-" + name));
        ownerKeys = AccountKeys.create(environment, name + "-owner");
        AccountKeys strangerKeys = AccountKeys.create(environment, name + "-stranger");
        owner = environment.client(ownerKeys.accessKeyId(), ownerKeys.secretAccessKey());
        stranger = environment.client(strangerKeys.accessKeyId(), strangerKeys.secretAccessKey());
    }

    @Override
    public void afterAll(ExtensionContext context)
            throws Exception
    {
        if (owner != null) {
            owner.close();
            stranger.close();
        }
        if (environment != null) {
            environment.close();
        }
    }

    BerthEnvironment environment()
    {
        return environment;
    }

    AccountKeys ownerKeys()
    {
        return ownerKeys;
    }

    EcsClient owner()
    {
        return owner;
    }

    EcsClient stranger()
    {
        return stranger;
    }
}
