package io.berth.cli.daemon;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DaemonRequestTest
{
    @Test
    void readsWhatTheLauncherWrites()
            throws IOException
    {
        // as bash's printf '%s\0' writes it: values may hold newlines and '='
        DaemonRequest request = read("berth-daemon 1", "t0k3n", "key1", "4242", "11", "12", "/home/me", "3", "run", "img", "echo\nhi", "2", "A=1", "B=x=y\nz");

        assertThat(request).isEqualTo(new DaemonRequest("t0k3n", "key1", 4242, 11, 12, Path.of("/home/me"), List.of("run", "img", "echo\nhi"),
                Map.of("A", "1", "B", "x=y\nz")));
    }

    @Test
    void refusesAnotherProtocolARelativeDirectoryAndACutRequest()
    {
        assertThatThrownBy(() -> read("berth-daemon 2", "t", "k", "1", "1", "2", "/", "0", "0")).hasMessageContaining("protocol");
        assertThatThrownBy(() -> read("berth-daemon 1", "t", "k", "1", "1", "2", "here", "0", "0")).hasMessageContaining("not absolute");
        assertThatThrownBy(() -> read("berth-daemon 1", "t", "k", "1", "1", "2", "/", "2", "ps")).hasMessageContaining("ended in the middle");
        assertThatThrownBy(() -> read("berth-daemon 1", "t", "k", "1", "1", "2", "/", "-1")).hasMessageContaining("bad number");
        assertThatThrownBy(() -> read("berth-daemon 1", "t", "k", "1", "1", "2", "/", "0", "1", "=nameless")).hasMessageContaining("without a name");
    }

    private static DaemonRequest read(String... fields)
            throws IOException
    {
        StringBuilder bytes = new StringBuilder();
        for (String field : fields) {
            bytes.append(field).append('\0');
        }
        return DaemonRequest.read(new ByteArrayInputStream(bytes.toString().getBytes(UTF_8)));
    }
}
