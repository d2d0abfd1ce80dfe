package io.berth.controlplane.agents.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.agentprotocol.HeldState;
import io.berth.common.agentprotocol.SyncResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * The control plane's side of a delta sync's answer: names the version of each part of a whole answer (assignments,
 * network, ingress) and leaves out each part whose version is the one the agent says it holds. A version is a digest of
 * the part's JSON, so it needs no state: every replica, before and after a restart, gives the same content the same
 * version and any change another one, and a version the agent holds that is unknown here simply does not match (the
 * part goes whole).
 */
final class SyncAnswerParts
{
    /** 128 bits of SHA-256: enough that two contents never share a version by chance. */
    private static final int VERSION_BYTES = 16;

    private final ObjectMapper mapper;

    SyncAnswerParts(ObjectMapper mapper)
    {
        this.mapper = requireNonNull(mapper, "mapper is null");
    }

    /** The answer to send for whole to an agent that holds held (null: nothing, every part goes whole). */
    SyncResponse answer(SyncResponse whole, HeldState held)
    {
        SyncResponse.PartVersions versions = new SyncResponse.PartVersions(version(whole.tasks()), version(whole.network()), version(whole.ingress()));
        if (held == null) {
            return whole.withParts(whole.tasks(), whole.network(), whole.ingress(), versions, List.of());
        }
        List<String> unchanged = new ArrayList<>();
        boolean tasksHeld = Objects.equals(held.assignments(), versions.assignments());
        boolean networkHeld = Objects.equals(held.network(), versions.network());
        boolean ingressHeld = Objects.equals(held.ingress(), versions.ingress());
        if (tasksHeld) {
            unchanged.add(SyncResponse.TASKS);
        }
        if (networkHeld) {
            unchanged.add(SyncResponse.NETWORK);
        }
        if (ingressHeld) {
            unchanged.add(SyncResponse.INGRESS);
        }
        return whole.withParts(tasksHeld ? null : whole.tasks(), networkHeld ? null : whole.network(), ingressHeld ? null : whole.ingress(), versions, unchanged);
    }

    /** The digest of the part's JSON as it goes on the wire (a missing part is JSON null), base64url. */
    String version(Object part)
    {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        // streamed into the digest: no copy of a large plan is made to be hashed
        try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            mapper.writeValue(sink, part);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot encode a sync answer's part to version it", e);
        }
        byte[] full = digest.digest();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, VERSION_BYTES));
    }
}
