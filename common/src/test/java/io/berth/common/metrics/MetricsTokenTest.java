package io.berth.common.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsTokenTest
{
    @TempDir
    Path directory;

    @Test
    void aTokenIsMadeOnceReadableByItsOwnerOnlyAndReadBack()
            throws IOException
    {
        Path file = directory.resolve("data").resolve(MetricsToken.FILE_NAME);
        MetricsToken made = MetricsToken.loadOrCreate(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        MetricsToken read = MetricsToken.loadOrCreate(file);
        assertThat(read.authorizationHeader()).isEqualTo(made.authorizationHeader());
        assertThat(made.toString()).doesNotContain(Files.readString(file).strip());
    }

    @Test
    void onlyTheBearerTokenItselfAuthorizes()
    {
        MetricsToken token = new MetricsToken("0123456789abcdef0123");
        assertThat(token.authorizes("Bearer 0123456789abcdef0123")).isTrue();
        assertThat(token.authorizes("bearer 0123456789abcdef0123")).isTrue();
        assertThat(token.authorizes("Bearer 0123456789abcdef012")).isFalse();
        assertThat(token.authorizes("Basic 0123456789abcdef0123")).isFalse();
        assertThat(token.authorizes("0123456789abcdef0123")).isFalse();
        assertThat(token.authorizes(null)).isFalse();
    }

    @Test
    void anUnusableTokenFileSaysWhatToDo()
            throws IOException
    {
        Path file = directory.resolve(MetricsToken.FILE_NAME);
        Files.writeString(file, "short\n");
        assertThatThrownBy(() -> MetricsToken.loadOrCreate(file)).isInstanceOf(IOException.class).hasMessageContaining("delete the file");
    }
}
