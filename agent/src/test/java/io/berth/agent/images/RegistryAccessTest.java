package io.berth.agent.images;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transport choice, credentials files and auth challenges: the parts of registry access that are pure logic. */
class RegistryAccessTest
{
    @TempDir
    Path work;

    @Test
    void plainHttpOnlyForLoopbackAndListedRegistries()
    {
        RegistryAccessPolicy policy = new RegistryAccessPolicy(Set.of("10.0.0.5:5000", "Registry.Internal:80"));

        assertThat(policy.scheme("127.0.0.1:5000")).isEqualTo("http");
        assertThat(policy.scheme("127.1.2.3:5000")).isEqualTo("http");
        assertThat(policy.scheme("localhost:5000")).isEqualTo("http");
        assertThat(policy.scheme("localhost")).isEqualTo("http");
        assertThat(policy.scheme("[::1]:5000")).isEqualTo("http");
        assertThat(policy.scheme("10.0.0.5:5000")).isEqualTo("http");
        assertThat(policy.scheme("registry.internal:80")).isEqualTo("http");
        assertThat(policy.scheme("10.0.0.5:5001")).isEqualTo("https");
        assertThat(policy.scheme("127.0.0.1.nip.io:5000")).isEqualTo("https");
        assertThat(policy.scheme("registry-1.docker.io")).isEqualTo("https");
        assertThat(policy.scheme("192.168.1.1:5000")).isEqualTo("https");
    }

    @Test
    void plainHttpToEveryPortOfATrustedHostOnly()
    {
        RegistryAccessPolicy policy = new RegistryAccessPolicy(Set.of("10.0.0.5:5000")).withPlainHttpHost("10.0.0.9").withPlainHttpHost("fd00::9");

        assertThat(policy.scheme("10.0.0.9:5000")).isEqualTo("http");
        assertThat(policy.scheme("10.0.0.9:8686")).isEqualTo("http");
        assertThat(policy.scheme("[fd00::9]:5000")).isEqualTo("http");
        assertThat(policy.scheme("10.0.0.5:5000")).isEqualTo("http");
        assertThat(policy.scheme("10.0.0.90:5000")).isEqualTo("https");
        assertThat(policy.scheme("10.0.0.5:5001")).isEqualTo("https");
        assertThat(policy.scheme("10.0.0.9.nip.io:5000")).isEqualTo("https");
    }

    @Test
    void readsDockerConfigJson()
            throws Exception
    {
        Path config = Files.writeString(work.resolve("config.json"), """
                {"auths": {
                  "127.0.0.1:5000": {"auth": "dXNlcjpwYTpzcw=="},
                  "https://index.docker.io/v1/": {"auth": "aHViOmh1YnBhc3M="},
                  "registry.example.com": {"username": "named", "password": "pw"},
                  "empty.example.com": {}
                }}
                """);

        RegistryCredentials credentials = RegistryCredentials.fromDockerConfig(config);

        assertThat(credentials.lookup("127.0.0.1:5000")).contains(new RegistryCredentials.Credential("user", "pa:ss"));
        assertThat(credentials.lookup("docker.io")).contains(new RegistryCredentials.Credential("hub", "hubpass"));
        assertThat(credentials.lookup("registry.example.com")).contains(new RegistryCredentials.Credential("named", "pw"));
        assertThat(credentials.lookup("empty.example.com")).isEmpty();
        assertThat(credentials.lookup("other:5000")).isEmpty();
        assertThat(RegistryCredentials.fromDockerConfig(work.resolve("absent.json")).lookup("127.0.0.1:5000")).isEmpty();
        assertThat(new RegistryCredentials.Credential("u", "secret").toString()).doesNotContain("secret");
    }

    @Test
    void rejectsMalformedAuthEntries()
            throws Exception
    {
        Path config = Files.writeString(work.resolve("bad.json"), "{\"auths\": {\"h:1\": {\"auth\": \"bm9jb2xvbg==\"}}}");

        assertThatThrownBy(() -> RegistryCredentials.fromDockerConfig(config))
                .hasMessageContaining("the \"auth\" of h:1 must encode user:password");
    }

    @Test
    void parsesAuthChallenges()
    {
        AuthChallenge bearer = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"").orElseThrow();
        assertThat(bearer.isBearer()).isTrue();
        assertThat(bearer.parameter("realm")).contains("https://auth.docker.io/token");
        assertThat(bearer.parameter("service")).contains("registry.docker.io");
        assertThat(bearer.parameter("scope")).contains("repository:library/busybox:pull");

        AuthChallenge basic = AuthChallenge.parse("Basic realm=\"Registry Realm\"").orElseThrow();
        assertThat(basic.isBasic()).isTrue();
        assertThat(basic.parameter("realm")).contains("Registry Realm");

        assertThat(AuthChallenge.parse("bearer realm=unquoted, scope=\"a,b\"").orElseThrow().parameters())
                .containsEntry("realm", "unquoted")
                .containsEntry("scope", "a,b");
        assertThat(AuthChallenge.parse("")).isEmpty();
    }
}
