package io.berth.controlplane.clusters;

import io.berth.controlplane.accountsettings.AccountSetting;
import io.berth.controlplane.accountsettings.AccountSettingNames;
import io.berth.controlplane.accountsettings.AccountSettingsService;
import io.berth.controlplane.resources.ConflictException;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.NotFoundException;
import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.Described;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.PageRequest;
import io.berth.controlplane.resources.TagRules;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** CreateCluster, DescribeClusters, ListClusters, DeleteCluster, and resolving the cluster a request names. */
public final class ClusterService
{
    private static final Logger log = LoggerFactory.getLogger(ClusterService.class);
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,255}");
    private static final List<TaskStatus> PENDING_STATUSES = List.of(TaskStatus.PROVISIONING, TaskStatus.PENDING, TaskStatus.ACTIVATING);

    private final Store store;
    private final AccountSettingsService accountSettings;
    private final String defaultRegion;
    private final Clock clock;

    public ClusterService(Store store, AccountSettingsService accountSettings, String region, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.accountSettings = requireNonNull(accountSettings, "accountSettings is null");
        this.defaultRegion = requireNonNull(region, "region is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Creates the cluster with its tags and settings, or returns the existing one of that name unchanged:
     * CreateCluster is idempotent in ECS.
     */
    public ClusterSummary create(String accountId, String region, String clusterName, ClusterConfiguration configuration)
    {
        TagRules.check(configuration.tags());
        ClusterSettings.check(configuration.settings());
        CapacityProviders.check(configuration.capacityProviders(), configuration.defaultCapacityProviderStrategy());
        String name = clusterName == null ? Cluster.DEFAULT_NAME : clusterName;
        if (!NAME.matcher(name).matches()) {
            throw InvalidRequestException.invalidValue("Cluster name can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores and hyphens. Got '" + name + "'.");
        }
        ClusterConfiguration withDefaults = withAccountDefaults(accountId, configuration);
        return store.inTransaction(transaction -> summary(transaction, ensureActive(transaction, accountId, region, name, withDefaults)));
    }

    /** A cluster that sets no containerInsights gets the account's (PutAccountSetting[Default]) when the account set one, as in ECS. */
    private ClusterConfiguration withAccountDefaults(String accountId, ClusterConfiguration configuration)
    {
        boolean setsInsights = configuration.settings().stream().anyMatch(setting -> setting.name().equals(ClusterSettings.CONTAINER_INSIGHTS));
        if (setsInsights) {
            return configuration;
        }
        AccountSetting insights = accountSettings.list(accountId, null, AccountSettingNames.CONTAINER_INSIGHTS, null, true).getFirst();
        if (!insights.type().equals(AccountSetting.USER)) {
            return configuration;
        }
        List<ClusterConfiguration.Setting> settings = new ArrayList<>(configuration.settings());
        settings.add(new ClusterConfiguration.Setting(ClusterSettings.CONTAINER_INSIGHTS, insights.value()));
        return configuration.withSettings(settings);
    }

    /** region: the caller's, for the ARNs of clusters not found (a found cluster keeps the ARN it was created with). */
    public Described<ClusterSummary> describe(String accountId, String region, List<String> references)
    {
        List<String> wanted = references == null || references.isEmpty() ? List.of(Cluster.DEFAULT_NAME) : references;
        return store.inTransaction(transaction -> {
            List<ClusterSummary> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String reference : wanted) {
                Optional<Cluster> cluster = Arns.resourceId(reference, "cluster", accountId)
                        .flatMap(name -> transaction.clusters().find(accountId, name));
                if (cluster.isPresent()) {
                    found.add(summary(transaction, cluster.get()));
                }
                else {
                    missing.add(reference.startsWith("arn:") ? reference : Arns.cluster(region, accountId, reference));
                }
            }
            return new Described<>(found, missing);
        });
    }

    public Page<String> listArns(String accountId, PageRequest page)
    {
        return store.inTransaction(transaction -> {
            List<String> arns = transaction.clusters().listActive(accountId, page.offset(), page.maxResults() + 1).stream()
                    .map(Cluster::arn)
                    .toList();
            return Page.of(arns, page.offset(), page.maxResults());
        });
    }

    /** Marks the cluster INACTIVE; refused while it holds services that are not INACTIVE or tasks that have not stopped. */
    public ClusterSummary delete(String accountId, String reference)
    {
        ClusterSummary deleted = store.inTransaction(transaction -> {
            Cluster cluster = findActive(transaction, accountId, reference);
            if (transaction.services().countLive(accountId, cluster.name()) > 0) {
                throw new ConflictException(ConflictException.Kind.CLUSTER_CONTAINS_SERVICES,
                        "The Cluster cannot be deleted while Services are active. Delete its services first (DeleteService with force).");
            }
            if (transaction.tasks().countNotStopped(accountId, cluster.name()) > 0) {
                throw new ConflictException(ConflictException.Kind.CLUSTER_CONTAINS_TASKS, "The Cluster cannot be deleted while Tasks are active.");
            }
            transaction.clusters().setStatus(accountId, cluster.name(), Cluster.Status.INACTIVE);
            return summary(transaction, cluster.withStatus(Cluster.Status.INACTIVE));
        });
        log.info("Deleted cluster {} of account {}", deleted.cluster().name(), accountId);
        return deleted;
    }

    /** UpdateCluster / UpdateClusterSettings: replaces the settings named, keeps the others. */
    public ClusterSummary updateSettings(String accountId, String reference, List<ClusterConfiguration.Setting> settings)
    {
        ClusterSettings.check(settings);
        ClusterSummary updated = store.inTransaction(transaction -> {
            Cluster cluster = findActive(transaction, accountId, reference);
            ClusterConfiguration configuration = cluster.configuration().withSettings(ClusterSettings.merge(cluster.configuration().settings(), settings));
            transaction.clusters().setConfiguration(accountId, cluster.name(), configuration);
            return summary(transaction, transaction.clusters().find(accountId, cluster.name()).orElseThrow());
        });
        log.info("Updated the settings of cluster {} of account {}: {}", updated.cluster().name(), accountId, settings);
        return updated;
    }

    /** PutClusterCapacityProviders: replaces the cluster's capacity providers and their default strategy. */
    public ClusterSummary putCapacityProviders(String accountId, String reference, List<String> providers, List<ClusterConfiguration.StrategyItem> strategy)
    {
        CapacityProviders.check(providers, strategy);
        ClusterSummary updated = store.inTransaction(transaction -> {
            Cluster cluster = findActive(transaction, accountId, reference);
            transaction.clusters().setConfiguration(accountId, cluster.name(), cluster.configuration().withCapacityProviders(providers, strategy));
            return summary(transaction, transaction.clusters().find(accountId, cluster.name()).orElseThrow());
        });
        log.info("Set the capacity providers of cluster {} of account {}: {} with default strategy {}", updated.cluster().name(), accountId, providers, strategy);
        return updated;
    }

    /**
     * The active cluster a request names by name or ARN, inside the caller's transaction. No name means
     * "default", which is created on first use as ECS does, with the caller's region in its ARN.
     */
    public Cluster resolve(StoreTransaction transaction, String accountId, String region, String reference)
    {
        if (reference == null || reference.isEmpty()) {
            return ensureActive(transaction, accountId, region, Cluster.DEFAULT_NAME, ClusterConfiguration.EMPTY);
        }
        return findActive(transaction, accountId, reference);
    }

    /** As {@link #resolve(StoreTransaction, String, String, String)} for callers without a request: the configured region. */
    public Cluster resolve(StoreTransaction transaction, String accountId, String reference)
    {
        return resolve(transaction, accountId, defaultRegion, reference);
    }

    private Cluster findActive(StoreTransaction transaction, String accountId, String reference)
    {
        if (reference == null || reference.isEmpty()) {
            reference = Cluster.DEFAULT_NAME;
        }
        return Arns.resourceId(reference, "cluster", accountId)
                .flatMap(name -> transaction.clusters().find(accountId, name))
                .filter(Cluster::isActive)
                .orElseThrow(() -> NotFoundException.cluster("Cluster not found."));
    }

    private Cluster ensureActive(StoreTransaction transaction, String accountId, String region, String name, ClusterConfiguration configuration)
    {
        Optional<Cluster> existing = transaction.clusters().find(accountId, name).filter(Cluster::isActive);
        if (existing.isPresent()) {
            return existing.get();
        }
        Cluster cluster = new Cluster(accountId, name, Arns.cluster(region, accountId, name), Cluster.Status.ACTIVE, clock.instant(), configuration);
        // concurrent first requests of an account (RunTasks at once) each try: only the one whose row took logs it
        if (transaction.clusters().upsertActive(cluster)) {
            log.info("Created cluster {} of account {}", name, accountId);
        }
        return transaction.clusters().find(accountId, name).orElseThrow();
    }

    private static ClusterSummary summary(StoreTransaction transaction, Cluster cluster)
    {
        long running = transaction.tasks().countWithLastStatus(cluster.accountId(), cluster.name(), List.of(TaskStatus.RUNNING));
        long pending = transaction.tasks().countWithLastStatus(cluster.accountId(), cluster.name(), PENDING_STATUSES);
        return new ClusterSummary(cluster, running, pending);
    }
}
