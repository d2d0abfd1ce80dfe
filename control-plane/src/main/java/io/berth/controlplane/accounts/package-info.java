/** Accounts and their access keys: who owns a resource and whose secret signs a request. */
package io.berth.controlplane.accounts;
