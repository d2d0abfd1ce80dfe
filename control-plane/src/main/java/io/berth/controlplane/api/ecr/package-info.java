/**
 * The ECR API subset CI tools use (repositories, images, GetAuthorizationToken), JSON 1.1 with target prefix
 * AmazonEC2ContainerRegistry_V20150921 and SigV4 service ecr, on the same endpoint as ECS; the registry domain's
 * errors become ECR's error shapes here.
 */
package io.berth.controlplane.api.ecr;
