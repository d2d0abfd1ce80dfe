package io.berth.agent.userns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user namespace made ahead of need serves the next open of its mapping without a helper process, and only that
 * mapping. With the real unshare behind a wrapper that counts its runs; needs root.
 */
class UserNamespacesAheadTest
{
    private static final IdMapping NEXT = new IdMapping(1L << 30, 65536);
    private static final IdMapping OTHER = new IdMapping((1L << 30) + 65536, 65536);

    @TempDir
    Path directory;

    @Test
    void theNamespaceMadeAheadServesItsMappingOnceWithoutAHelper()
            throws Exception
    {
        Path runs = directory.resolve("runs");
        UserNamespaces namespaces = new UserNamespaces(countingHelper(runs), UserNamespaces.DEFAULT_DEADLINE);

        namespaces.makeAhead(NEXT);
        namespaces.makeAhead(NEXT);
        assertThat(helperRuns(runs)).as("the same mapping is made once").isEqualTo(1);

        String madeAhead;
        try (UserNamespaceFile file = namespaces.open(NEXT)) {
            assertThat(file.mapping()).isEqualTo(NEXT);
            madeAhead = namespaceOf(file);
        }
        assertThat(helperRuns(runs)).as("opened without a helper").isEqualTo(1);

        // taken: the next open of that mapping, and any other mapping, makes its own
        try (UserNamespaceFile again = namespaces.open(NEXT); UserNamespaceFile other = namespaces.open(OTHER)) {
            assertThat(namespaceOf(again)).isNotEqualTo(madeAhead);
            assertThat(other.mapping()).isEqualTo(OTHER);
        }
        assertThat(helperRuns(runs)).isEqualTo(3);
    }

    @Test
    void aNamespaceMadeAheadForAnotherMappingIsNotUsedAndIsReplaced()
            throws Exception
    {
        Path runs = directory.resolve("runs");
        UserNamespaces namespaces = new UserNamespaces(countingHelper(runs), UserNamespaces.DEFAULT_DEADLINE);
        namespaces.makeAhead(OTHER);

        try (UserNamespaceFile file = namespaces.open(NEXT)) {
            assertThat(file.mapping()).isEqualTo(NEXT);
        }
        namespaces.makeAhead(NEXT);
        try (UserNamespaceFile file = namespaces.open(NEXT)) {
            assertThat(file.mapping()).isEqualTo(NEXT);
        }
        assertThat(helperRuns(runs)).isEqualTo(3);
    }

    private List<String> countingHelper(Path runs)
            throws IOException
    {
        Path helper = directory.resolve("helper");
        Files.writeString(helper, "#!/bin/sh\necho run >> " + runs + "\nexec " + String.join(" ", UserNamespaces.DEFAULT_HELPER) + "\n");
        assertThat(helper.toFile().setExecutable(true)).isTrue();
        return List.of(helper.toString());
    }

    private static long helperRuns(Path runs)
            throws IOException
    {
        return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
    }

    /** The namespace the descriptor holds, as the kernel names it (user:[inode]). */
    private static String namespaceOf(UserNamespaceFile file)
            throws IOException
    {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + file.descriptor())).toString();
    }
}
