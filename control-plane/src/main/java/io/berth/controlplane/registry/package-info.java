/**
 * The registry per account, as ECR has it: repositories owned by an account (stored), whose images live in
 * Debian's docker-registry under ACCOUNT_ID/NAME; the tokens that registry trusts (Berth is its token issuer), the
 * rule of who may pull and push what, and what the registry holds, read from its own API.
 */
package io.berth.controlplane.registry;
