package io.berth.controlplane.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretCipherTest
{
    @Test
    void sealsAndOpensWithTheSameContextOnly()
    {
        SecretCipher cipher = SecretCipher.ephemeral();
        String sealed = cipher.seal("hunter2", "secret-a|v1");
        assertThat(sealed).startsWith("v1:").doesNotContain("hunter2");
        assertThat(new String(java.util.Base64.getDecoder().decode(sealed.substring(3)), StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
        assertThat(cipher.openString(sealed, "secret-a|v1")).isEqualTo("hunter2");
        // a sealed value moved to another secret, version or account does not open
        assertThatThrownBy(() -> cipher.open(sealed, "secret-b|v1")).isInstanceOf(IllegalStateException.class).hasMessageContaining("does not decrypt");
    }

    @Test
    void freshNonceEveryTime()
    {
        SecretCipher cipher = SecretCipher.ephemeral();
        assertThat(cipher.seal("same", "c")).isNotEqualTo(cipher.seal("same", "c"));
    }

    @Test
    void tamperedValueIsRefused()
    {
        SecretCipher cipher = SecretCipher.ephemeral();
        byte[] bytes = java.util.Base64.getDecoder().decode(cipher.seal("value", "c").substring(3));
        bytes[bytes.length - 1] ^= 1;
        String tampered = "v1:" + java.util.Base64.getEncoder().encodeToString(bytes);
        assertThatThrownBy(() -> cipher.open(tampered, "c")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.open("plain", "c")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keyFileIsMadeOnceWithMode600AndKeepsOpeningWhatItSealed(@TempDir Path directory)
            throws IOException
    {
        Path keyFile = directory.resolve("data/secrets.key");
        String sealed = SecretCipher.loadOrCreate(keyFile).seal("kept", "c");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(SecretCipher.loadOrCreate(keyFile).openString(sealed, "c")).isEqualTo("kept");
        // another key cannot open it
        assertThatThrownBy(() -> SecretCipher.loadOrCreate(directory.resolve("other.key")).open(sealed, "c")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keyFileReadableByOthersOrDamagedIsRefused(@TempDir Path directory)
            throws IOException
    {
        Path keyFile = directory.resolve("secrets.key");
        SecretCipher.loadOrCreate(keyFile);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SecretCipher.loadOrCreate(keyFile)).isInstanceOf(IOException.class).hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(keyFile, "c2hvcnQ=\n");
        assertThatThrownBy(() -> SecretCipher.loadOrCreate(keyFile)).isInstanceOf(IOException.class).hasMessageContaining("AES-256");
    }
}
