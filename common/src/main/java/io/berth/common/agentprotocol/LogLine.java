package io.berth.common.agentprotocol;

import java.time.Instant;

/** One line a container wrote, as the monitor recorded it. stream is "stdout" or "stderr". */
public record LogLine(Instant time, String container, String stream, String text) {}
