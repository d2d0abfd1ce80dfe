package io.berth.controlplane.api.http;

import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.ServedControlPlane;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.quotas.AccountLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** An account past its request rate gets ThrottlingException as AWS sends it, and the AWS SDK's default retries get through. */
class ThrottlingSdkTest
{
    @TempDir
    Path directory;

    private ServedControlPlane served;
    private AccessKey slow;
    private AccessKey other;

    @BeforeEach
    void start()
            throws Exception
    {
        served = ServedControlPlane.start(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")),
                (server, controlPlane) -> server.throttle(controlPlane.limits(), Clock.systemUTC()));
        ControlPlane controlPlane = served.controlPlane();
        controlPlane.accounts().bootstrapOperator();
        slow = controlPlane.accounts().createAccount("slow");
        other = controlPlane.accounts().createAccount("other");
        controlPlane.limits().set(slow.account().accountId(), new AccountLimits(null, null, null, 2.0));
    }

    @AfterEach
    void stop()
    {
        served.close();
    }

    @Test
    void aBurstPastTheRateIsThrottledWithTheAwsErrorShape()
    {
        try (EcsClient ecs = client(slow, false, new AtomicInteger())) {
            ecs.listClusters();
            ecs.listClusters();
            EcsException throttled = catchThrowableOfType(EcsException.class, ecs::listClusters);
            assertThat(throttled.statusCode()).isEqualTo(400);
            assertThat(throttled.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            assertThat(throttled.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
            assertThat(throttled.isThrottlingException()).isTrue();
        }
        try (EcsClient ecs = client(other, false, new AtomicInteger())) {
            for (int i = 0; i < 20; i++) {
                ecs.listClusters();
            }
        }
    }

    @Test
    void theSdksDefaultRetriesGetABurstThrough()
    {
        AtomicInteger throttledAttempts = new AtomicInteger();
        try (EcsClient ecs = client(slow, true, throttledAttempts)) {
            for (int i = 0; i < 8; i++) {
                assertThat(ecs.listClusters().clusterArns()).isEmpty();
            }
        }
        assertThat(throttledAttempts.get()).isPositive();
    }

    private EcsClient client(AccessKey key, boolean retry, AtomicInteger throttledAttempts)
    {
        ExecutionInterceptor countThrottled = new ExecutionInterceptor()
        {
            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes executionAttributes)
            {
                if (context.httpResponse().statusCode() == 400) {
                    throttledAttempts.incrementAndGet();
                }
            }
        };
        return EcsClient.builder()
                .endpointOverride(served.server().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))
                .overrideConfiguration(override -> {
                    override.addExecutionInterceptor(countThrottled);
                    if (!retry) {
                        override.retryStrategy(AwsRetryStrategy.doNotRetry());
                    }
                })
                .build();
    }
}
