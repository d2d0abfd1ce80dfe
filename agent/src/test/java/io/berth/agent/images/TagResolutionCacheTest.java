package io.berth.agent.images;

import io.berth.common.agentprotocol.RegistryLogin;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TagResolutionCacheTest
{
    private static final ImageReference TAG = ImageReference.parse("registry.example:5000/team/app:v1");
    private static final Digest DIGEST = Digest.parse("sha256:" + "a".repeat(64));

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final TagResolutionCache cache = new TagResolutionCache(clock, Duration.ofSeconds(5));

    @Test
    void aResolutionLivesForItsLifetimeOnly()
    {
        TagResolutionCache.Key key = TagResolutionCache.Key.of("111111111111", null, TAG);
        cache.put(key, DIGEST);

        clock.advance(Duration.ofMillis(4999));
        assertThat(cache.get(key)).contains(DIGEST);
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.get(key)).isEmpty();
    }

    @Test
    void aResolutionServesOnlyItsAccountAndCredential()
    {
        RegistryLogin login = new RegistryLogin("registry.example:5000", "alice", "s3cret");
        cache.put(TagResolutionCache.Key.of("111111111111", login, TAG), DIGEST);

        assertThat(cache.get(TagResolutionCache.Key.of("111111111111", login, TAG))).contains(DIGEST);
        assertThat(cache.get(TagResolutionCache.Key.of("111111111111", new RegistryLogin("registry.example:5000", "alice", "s3cret"), TAG))).contains(DIGEST);
        assertThat(cache.get(TagResolutionCache.Key.of("222222222222", login, TAG))).isEmpty();
        assertThat(cache.get(TagResolutionCache.Key.of("111111111111", new RegistryLogin("registry.example:5000", "alice", "other"), TAG))).isEmpty();
        assertThat(cache.get(TagResolutionCache.Key.of("111111111111", new RegistryLogin("registry.example:5000", "mallory", "s3cret"), TAG))).isEmpty();
        assertThat(cache.get(TagResolutionCache.Key.of("111111111111", null, TAG))).isEmpty();
        assertThat(cache.get(TagResolutionCache.Key.of(null, login, TAG))).isEmpty();
        assertThat(cache.get(TagResolutionCache.Key.of("111111111111", login, ImageReference.parse("registry.example:5000/team/app:v2")))).isEmpty();
    }

    @Test
    void theKeyHoldsNoSecret()
    {
        TagResolutionCache.Key key = TagResolutionCache.Key.of("111111111111", new RegistryLogin("registry.example:5000", "alice", "s3cret"), TAG);

        assertThat(key.toString()).doesNotContain("s3cret");
    }

    @Test
    void aZeroLifetimeKeepsNothing()
    {
        TagResolutionCache none = new TagResolutionCache(Clock.systemUTC(), Duration.ZERO);
        TagResolutionCache.Key key = TagResolutionCache.Key.of("111111111111", null, TAG);
        none.put(key, DIGEST);

        assertThat(none.get(key)).isEmpty();
    }
}
