/**
 * The task metadata endpoint, version 4 (and 3), as Fargate offers it: every container gets
 * ECS_CONTAINER_METADATA_URI_V4 pointing at an HTTP server of the agent on the task bridge's gateway
 * address, and reads its own container, its task, and Docker-style stats there with the ECS field names.
 * A task reads only its own metadata: the URL holds an unguessable per-container token, and a request must
 * also come from the address of the task that owns the token. The same server answers a task with a taskRoleArn its
 * role credentials at /v2/credentials/ID (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI), by the same rule. Tasks also
 * reach the server at ECS's 169.254.170.2:80, redirected inside their own namespace (agent/network's
 * TaskMetadataAddress), so the request still comes from the task's address.
 */
package io.berth.agent.metadata;
