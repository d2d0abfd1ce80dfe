package io.berth.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * runc's error messages, cut down to the part a user can act on: runc writes
 * {@code level=error msg="runc create failed: unable to start container process: exec: \"nope\": ..."}
 * and the user needs only {@code exec: "nope": executable file not found in $PATH}.
 */
final class RuncMessages
{
    private static final Pattern TEXT_MESSAGE = Pattern.compile("msg=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final String[] NOISE_PREFIXES = {"runc create failed: ", "runc run failed: ", "unable to start container process: ",
            // runsc's layers of context around the same kind of error
            "starting container: ", "starting root container: ", "starting sandbox: ", "creating process: "};

    private RuncMessages() {}

    /** The last error in runc's text stderr, or the whole trimmed output if it is not in runc's format. */
    static String fromStderr(String stderr)
    {
        Matcher matcher = TEXT_MESSAGE.matcher(stderr);
        String message = null;
        while (matcher.find()) {
            message = matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return simplify(message == null ? stderr.strip() : message);
    }

    /** The last error or fatal entry of a runc JSON log (runc --log-format json). */
    static Optional<String> fromJsonLog(String log)
    {
        String message = null;
        for (String line : log.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode entry = Json.mapper().readTree(line);
                String level = entry.path("level").asText();
                if (level.equals("error") || level.equals("fatal")) {
                    message = entry.path("msg").asText();
                }
            }
            catch (Exception e) {
                // a half-written last line; runc is still writing it
            }
        }
        return Optional.ofNullable(message).map(RuncMessages::simplify);
    }

    static String simplify(String message)
    {
        String result = message.strip();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String prefix : NOISE_PREFIXES) {
                if (result.startsWith(prefix)) {
                    result = result.substring(prefix.length());
                    changed = true;
                }
            }
        }
        return result;
    }
}
