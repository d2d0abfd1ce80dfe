package io.berth.e2e;

import software.amazon.awssdk.services.ecs.EcsClient;

import java.io.IOException;
import java.nio.file.Files;

/**
 * A Berth of its own with two tenant accounts and an ECS client of each: the owner, whose resources a test makes,
 * and a stranger, who must neither see nor touch them.
 */
final class TwoAccounts
        implements AutoCloseable
{
    final BerthEnvironment environment;
    final AccountKeys ownerKeys;
    final EcsClient owner;
    final EcsClient stranger;

    private TwoAccounts(BerthEnvironment environment, AccountKeys ownerKeys, EcsClient owner, EcsClient stranger)
    {
        this.environment = environment;
        this.ownerKeys = ownerKeys;
        this.owner = owner;
        this.stranger = stranger;
    }

    static TwoAccounts start(String name)
            throws IOException
    {
        BerthEnvironment environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-" + name));
        AccountKeys ownerKeys = AccountKeys.create(environment, name + "-owner");
        AccountKeys strangerKeys = AccountKeys.create(environment, name + "-stranger");
        return new TwoAccounts(environment, ownerKeys, environment.client(ownerKeys.accessKeyId(), ownerKeys.secretAccessKey()),
                environment.client(strangerKeys.accessKeyId(), strangerKeys.secretAccessKey()));
    }

    @Override
    public void close()
            throws IOException
    {
        owner.close();
        stranger.close();
        environment.close();
    }
}
