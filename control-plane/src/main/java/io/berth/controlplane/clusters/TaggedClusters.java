package io.berth.controlplane.clusters;

import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tagging.TaggedResources;

import java.util.List;
import java.util.Optional;

/** The tags of clusters, kept in the cluster's configuration. An INACTIVE cluster is not found, as in ECS. */
public final class TaggedClusters
        implements TaggedResources
{
    private static final String TYPE = "cluster";

    @Override
    public String resourceType()
    {
        return TYPE;
    }

    @Override
    public Optional<List<Tag>> tags(StoreTransaction transaction, String accountId, String resourceArn)
    {
        return find(transaction, accountId, resourceArn).map(cluster -> cluster.configuration().tags());
    }

    @Override
    public void replaceTags(StoreTransaction transaction, String accountId, String resourceArn, List<Tag> tags)
    {
        Cluster cluster = find(transaction, accountId, resourceArn).orElseThrow();
        transaction.clusters().setConfiguration(accountId, cluster.name(), cluster.configuration().withTags(tags));
    }

    private static Optional<Cluster> find(StoreTransaction transaction, String accountId, String resourceArn)
    {
        return Arns.resourceId(resourceArn, TYPE, accountId)
                .flatMap(name -> transaction.clusters().find(accountId, name))
                .filter(Cluster::isActive);
    }
}
