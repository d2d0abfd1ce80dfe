/**
 * Tags on any ECS resource: ListTagsForResource, TagResource and UntagResource, with ECS's merge rules, over one
 * {@link io.berth.controlplane.tagging.TaggedResources} per resource type (clusters, task definitions, tasks, and
 * more as they come).
 */
package io.berth.controlplane.tagging;
