package io.berth.controlplane.services;

import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tagging.TaggedResources;

import java.util.List;
import java.util.Optional;

/**
 * The tags of services (arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME), kept in the service's body. An INACTIVE
 * service is not found, as in ECS.
 */
public final class TaggedServices
        implements TaggedResources
{
    private static final String TYPE = "service";

    @Override
    public String resourceType()
    {
        return TYPE;
    }

    @Override
    public Optional<List<Tag>> tags(StoreTransaction transaction, String accountId, String resourceArn)
    {
        return find(transaction, accountId, resourceArn).map(Service::tags);
    }

    @Override
    public void replaceTags(StoreTransaction transaction, String accountId, String resourceArn, List<Tag> tags)
    {
        Service service = find(transaction, accountId, resourceArn).orElseThrow();
        transaction.services().updateIfChanged(service, service.toBuilder().tags(tags).build());
    }

    private static Optional<Service> find(StoreTransaction transaction, String accountId, String resourceArn)
    {
        // only the ARN names a service's cluster: a short name alone is not enough to find it
        if (!resourceArn.startsWith("arn:")) {
            return Optional.empty();
        }
        return Arns.resourceId(resourceArn, TYPE, accountId)
                .map(id -> id.split("/", -1))
                .filter(parts -> parts.length == 2)
                .flatMap(parts -> transaction.services().find(accountId, parts[0], parts[1]))
                .filter(service -> service.status() != Service.Status.INACTIVE);
    }
}
