/**
 * The AWS Secrets Manager API subset (JSON 1.1, SigV4 service secretsmanager): CreateSecret, GetSecretValue,
 * PutSecretValue, DescribeSecret, ListSecrets and DeleteSecret, for the calling account's secrets only.
 */
package io.berth.controlplane.api.secretsmanager;
