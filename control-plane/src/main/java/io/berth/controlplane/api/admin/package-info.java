/** Berth's own endpoints beside the ECS API: accounts (operator only) and task logs. */
package io.berth.controlplane.api.admin;
