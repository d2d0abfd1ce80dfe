/**
 * ECS account settings: per account and principal, with an account default and ECS's own defaults; which of them
 * Berth acts on is said in {@link io.berth.controlplane.accountsettings.AccountSettingNames}.
 */
package io.berth.controlplane.accountsettings;
