/**
 * The user-facing berth commands (run, ps, logs, stop, image import, bill, explain) and the operator's (account
 * create and set-egress; host ls, cordon, uncordon, drain, rm and token) as picocli commands.
 * Each is thin: parse options, make ECS or admin calls through {@link io.berth.cli.client.BerthClient},
 * print. Failures end as one line "berth: message" on stderr (see {@link io.berth.cli.commands.BerthExceptionHandler}).
 */
package io.berth.cli.commands;
