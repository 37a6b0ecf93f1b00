package dev.kiln.scheduler;

/** A workspace's requests in use, growing as this pass starts its workloads, against its quota. */
final class WorkspaceUsage {
    private static final Resource[] LIMITED = {Resource.GPU, Resource.CPU, Resource.MEMORY};

    private final Quota quota;
    private final long[] inUse = new long[NodeTable.RESOURCES];

    WorkspaceUsage(WorkspacePool pool) {
        this.quota = pool.quota();
        for (Resource resource : Resource.values()) {
            inUse[resource.ordinal()] = pool.inUse().get(resource);
        }
    }

    /** Why starting the demand would exceed the quota, or null when it would not. */
    String shortfall(Demand demand) {
        if (quota == null) {
            return null;
        }
        for (Resource resource : LIMITED) {
            Long limit = quota.limit(resource);
            long needs = demand.pods * demand.request[resource.ordinal()];
            if (limit != null && inUse[resource.ordinal()] + needs > limit) {
                return PendingMessages.quota(resource, inUse[resource.ordinal()], limit, needs);
            }
        }
        return null;
    }

    void add(Demand demand) {
        for (int r = 0; r < NodeTable.RESOURCES; r++) {
            inUse[r] += demand.pods * demand.request[r];
        }
    }
}
