package io.berth.agent.link;

import io.berth.common.hostauth.HostCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The control planes an agent knows: given, learned, the one that answered first; and kept for the agent's next start. */
class ControlPlaneEndpointsTest
{
    private static final URI A = URI.create("http://10.0.0.1:8686");
    private static final URI B = URI.create("http://10.0.0.2:8686");
    private static final URI C = URI.create("http://10.0.0.3:8686");

    @TempDir
    Path directory;

    @Test
    void theOneThatAnsweredComesFirstAndTheOthersFollowInTurn()
    {
        ControlPlaneEndpoints endpoints = new ControlPlaneEndpoints(List.of(A, B, C));
        assertThat(endpoints.inOrder()).containsExactly(A, B, C);
        endpoints.answered(B);
        assertThat(endpoints.current()).isEqualTo(B);
        assertThat(endpoints.inOrder()).containsExactly(B, C, A);
    }

    @Test
    void learnedReplicasAreAddedOnceAndTheGivenOnesAreNeverForgotten()
    {
        List<List<URI>> heard = new ArrayList<>();
        ControlPlaneEndpoints endpoints = new ControlPlaneEndpoints(List.of(A), heard::add);

        endpoints.learn(List.of(B.toString(), C.toString(), "not a url", "/relative"));
        endpoints.learn(List.of(C.toString(), B.toString()));
        endpoints.learn(List.of(C.toString()));

        assertThat(heard).containsExactly(List.of(A, B, C), List.of(A, C, B), List.of(A, C));
        assertThat(endpoints.inOrder()).containsExactly(A, C);
    }

    @Test
    void theLearnedControlPlanesAreKeptBesideTheCredential()
            throws IOException
    {
        CredentialFile file = new CredentialFile(directory);
        HostCredential credential = new HostCredential("host-1", "secret");
        file.save(credential, A, List.of(B, C));

        CredentialFile.Stored stored = file.load().orElseThrow();
        assertThat(stored.controlPlane()).isEqualTo(A);
        assertThat(stored.otherControlPlanes()).containsExactly(B, C);

        file.save(credential, A);
        assertThat(file.load().orElseThrow().otherControlPlanes()).isEmpty();
    }
}
