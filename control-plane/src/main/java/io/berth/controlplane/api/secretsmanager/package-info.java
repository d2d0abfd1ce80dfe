/**
 * The AWS Secrets Manager API subset (JSON 1.1, SigV4 service secretsmanager): CreateSecret, GetSecretValue,
 * PutSecretValue, UpdateSecret, DescribeSecret, ListSecrets, DeleteSecret, RestoreSecret, TagResource and
 * UntagResource, for the calling account's secrets only.
 */
package io.berth.controlplane.api.secretsmanager;
