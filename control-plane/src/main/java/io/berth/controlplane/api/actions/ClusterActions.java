package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.clusters.ClusterService;
import io.berth.controlplane.clusters.ClusterSummary;
import io.berth.controlplane.resources.Described;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.PageRequest;
import io.berth.controlplane.resources.Tag;

import java.util.List;
import java.util.Set;

import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static java.util.Objects.requireNonNull;

/** CreateCluster, DescribeClusters, ListClusters, DeleteCluster, UpdateCluster, UpdateClusterSettings, PutClusterCapacityProviders. */
public final class ClusterActions
{
    private final ClusterService clusters;

    public ClusterActions(ClusterService clusters)
    {
        this.clusters = requireNonNull(clusters, "clusters is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(
                new SimpleEcsAction("CreateCluster", this::createCluster),
                new SimpleEcsAction("DescribeClusters", this::describeClusters),
                new SimpleEcsAction("ListClusters", this::listClusters),
                new SimpleEcsAction("DeleteCluster", this::deleteCluster),
                new SimpleEcsAction("UpdateCluster", this::updateCluster),
                new SimpleEcsAction("UpdateClusterSettings", this::updateClusterSettings),
                new SimpleEcsAction("PutClusterCapacityProviders", this::putClusterCapacityProviders));
    }

    private JsonNode createCluster(RequestContext context, JsonNode request)
    {
        // configuration (execute command logging) and serviceConnectDefaults (Cloud Map namespaces) are refused by name
        JsonFields.refuseUnsupported(request, Set.of("clusterName", "tags", "settings", "capacityProviders", "defaultCapacityProviderStrategy"), "CreateCluster");
        List<Tag> tags = TaskDefinitionWire.tags(request);
        List<String> providers = optionalStrings(request, "capacityProviders");
        ClusterConfiguration configuration = new ClusterConfiguration(tags, ClusterWire.settings(request), providers,
                CapacityProviderStrategyWire.strategy(request, "defaultCapacityProviderStrategy"));
        ClusterSummary cluster = clusters.create(context.account().accountId(), context.region(), optionalString(request, "clusterName"), configuration);
        ObjectNode response = JsonFields.object();
        response.set("cluster", ClusterWire.toJson(cluster, true));
        return response;
    }

    private JsonNode updateCluster(RequestContext context, JsonNode request)
    {
        JsonFields.refuseUnsupported(request, Set.of("cluster", "settings"), "UpdateCluster");
        return updateSettings(context, request);
    }

    private JsonNode updateClusterSettings(RequestContext context, JsonNode request)
    {
        if (request.get("settings") == null || request.get("settings").isNull()) {
            throw EcsException.invalidParameter("settings is required: give [{\"name\": \"containerInsights\", \"value\": \"enabled\"}].");
        }
        return updateSettings(context, request);
    }

    private JsonNode putClusterCapacityProviders(RequestContext context, JsonNode request)
    {
        List<String> providers = optionalStrings(request, "capacityProviders");
        if (providers == null || request.get("defaultCapacityProviderStrategy") == null || request.get("defaultCapacityProviderStrategy").isNull()) {
            throw EcsException.invalidParameter("capacityProviders and defaultCapacityProviderStrategy are required (either may be an empty list).");
        }
        ClusterSummary updated = clusters.putCapacityProviders(context.account().accountId(), requiredCluster(request), providers,
                CapacityProviderStrategyWire.strategy(request, "defaultCapacityProviderStrategy"));
        ObjectNode response = JsonFields.object();
        response.set("cluster", ClusterWire.toJson(updated, false));
        return response;
    }

    private JsonNode updateSettings(RequestContext context, JsonNode request)
    {
        ObjectNode response = JsonFields.object();
        response.set("cluster", ClusterWire.toJson(clusters.updateSettings(context.account().accountId(), requiredCluster(request), ClusterWire.settings(request)), false));
        return response;
    }

    private static String requiredCluster(JsonNode request)
    {
        String cluster = optionalString(request, "cluster");
        if (cluster == null || cluster.isEmpty()) {
            throw EcsException.invalidParameter("cluster is required: give the cluster name or ARN.");
        }
        return cluster;
    }

    private JsonNode describeClusters(RequestContext context, JsonNode request)
    {
        boolean includeTags = ClusterWire.includes(request, "TAGS");
        boolean includeSettings = ClusterWire.includes(request, "SETTINGS");
        Described<ClusterSummary> described = clusters.describe(context.account().accountId(), context.region(), optionalStrings(request, "clusters"));
        ObjectNode response = JsonFields.object();
        ArrayNode found = response.putArray("clusters");
        described.found().forEach(cluster -> found.add(ClusterWire.toJson(cluster, includeTags, includeSettings)));
        response.set("failures", JsonFields.missingFailures(described.missing()));
        return response;
    }

    private JsonNode listClusters(RequestContext context, JsonNode request)
    {
        PageRequest pageRequest = PageRequest.of(optionalInteger(request, "maxResults"), optionalString(request, "nextToken"));
        Page<String> page = clusters.listArns(context.account().accountId(), pageRequest);
        ObjectNode response = JsonFields.object();
        response.set("clusterArns", JsonFields.strings(page.items()));
        JsonFields.putIfNotNull(response, "nextToken", page.nextToken());
        return response;
    }

    private JsonNode deleteCluster(RequestContext context, JsonNode request)
    {
        ObjectNode response = JsonFields.object();
        response.set("cluster", ClusterWire.toJson(clusters.delete(context.account().accountId(), requiredCluster(request)), false));
        return response;
    }
}
