package io.berth.agent.upgrading;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessImageTest
{
    @Test
    void replacesTheClassPathOfAJavaCommandLine()
    {
        List<String> command = List.of("/usr/bin/java", "-Xmx256m", "-cp", "/old/berth-cli.jar:/old/lib/a.jar", "io.berth.cli.Main", "agent", "--cp", "x");

        assertThat(ProcessImage.withClassPath(command, "/new/berth-cli.jar")).containsExactly("/usr/bin/java", "-Xmx256m", "-cp", "/new/berth-cli.jar",
                "io.berth.cli.Main", "agent", "--cp", "x");
        assertThat(ProcessImage.classPath(command)).isEqualTo("/old/berth-cli.jar:/old/lib/a.jar");
        assertThat(ProcessImage.withClassPath(List.of("java", "--class-path=/old", "Main"), "/new")).containsExactly("java", "--class-path=/new", "Main");
        assertThat(ProcessImage.withClassPath(List.of("java", "-classpath", "/old", "Main"), "/new")).containsExactly("java", "-classpath", "/new", "Main");
    }

    @Test
    void refusesACommandLineWithoutAClassPath()
    {
        assertThatThrownBy(() -> ProcessImage.withClassPath(List.of("java", "-jar", "berth.jar", "agent"), "/new"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not started with -cp CLASSPATH");
        assertThat(ProcessImage.classPath(List.of("java", "-jar", "berth.jar"))).isNull();
    }

    @Test
    void readsThisProcesssCommandLine()
            throws Exception
    {
        List<String> command = ProcessImage.commandLine();

        assertThat(command).isNotEmpty();
        assertThat(ProcessImage.javaBinary().getFileName().toString()).isEqualTo("java");
    }
}
