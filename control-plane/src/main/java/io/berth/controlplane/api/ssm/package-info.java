/**
 * The AWS Systems Manager Parameter Store API subset (JSON 1.1, SigV4 service ssm): PutParameter, GetParameter,
 * GetParameters, GetParametersByPath and DeleteParameter, for the calling account's parameters only.
 */
package io.berth.controlplane.api.ssm;
