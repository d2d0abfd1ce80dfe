/**
 * Task role credentials: the short-lived keys a task with a taskRoleArn gets for its account, minted and checked
 * here without storing a row per task. Everything is derived from one key in the store (keys, secrets and
 * session tokens are HMACs under it), so every control plane replica mints the same keys for a task in a given
 * window and accepts them; a session token names its task, and the keys stop working when they expire or when the
 * task has stopped.
 */
package io.berth.controlplane.credentials;
