/**
 * Secrets Manager's secrets and SSM Parameter Store's parameters, per account, encrypted at rest with the control
 * plane's own key ({@link io.berth.controlplane.secrets.SecretCipher}); and how a task's container `secrets` and
 * `repositoryCredentials` are resolved for that task alone when its host is handed the task. Knows no wire format.
 */
package io.berth.controlplane.secrets;
