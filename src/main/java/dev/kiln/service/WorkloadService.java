package dev.kiln.service;

import static java.util.Objects.requireNonNull;

import dev.kiln.auth.Caller;
import dev.kiln.store.WorkloadQuery;
import dev.kiln.store.WorkloadStore;
import dev.kiln.workload.Condition;
import dev.kiln.workload.CronJobSpec;
import dev.kiln.workload.KilnException;
import dev.kiln.workload.Phase;
import dev.kiln.workload.PatchRequest;
import dev.kiln.workload.ResourceSpec;
import dev.kiln.workload.Workload;
import dev.kiln.workload.WorkloadIds;
import dev.kiln.workload.WorkloadSpec;
import dev.kiln.workload.WorkloadValidator;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The workload use cases behind the API: create, read, patch, stop, delete, clone. Each change is one
 * compare-and-set in the store, retried when another writer (the scheduler, another request) got there first.
 */
public final class WorkloadService {
    private static final int MAX_CAS_ATTEMPTS = 20;
    private static final int MAX_ID_ATTEMPTS = 20;

    private final WorkloadStore store;
    private final WorkloadValidator validator;
    private final WorkloadIds ids;
    private final Clock clock;
    private final String clusterId;
    private final Consumer<String> onChange;
    private final Consumer<Workload> inserter;

    public WorkloadService(
            WorkloadStore store, WorkloadValidator validator, WorkloadIds ids, Clock clock, String clusterId,
            Consumer<String> onChange) {
        this(store, validator, ids, clock, clusterId, onChange, store::insert);
    }

    /** @param inserter commits a new workload (e.g. through a group commit); throws DuplicateIdException */
    public WorkloadService(
            WorkloadStore store, WorkloadValidator validator, WorkloadIds ids, Clock clock, String clusterId,
            Consumer<String> onChange, Consumer<Workload> inserter) {
        this.inserter = requireNonNull(inserter, "inserter is null");
        this.store = requireNonNull(store, "store is null");
        this.validator = requireNonNull(validator, "validator is null");
        this.ids = requireNonNull(ids, "ids is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.clusterId = requireNonNull(clusterId, "clusterId is null");
        this.onChange = requireNonNull(onChange, "onChange is null");
    }

    public String create(Caller caller, WorkloadSpec request) {
        Instant now = clock.instant();
        WorkloadSpec spec = validator.validate(request, now);
        requireMember(caller, spec.workspaceId(), "create");
        requirePriority(caller, spec.priority());
        String id = insertNew(caller, spec, now);
        onChange.accept(id);
        return id;
    }

    private String insertNew(Caller caller, WorkloadSpec spec, Instant now) {
        String prefix = WorkloadIds.normalise(spec.displayName()).orElseThrow();
        for (int attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
            String id = ids.next(prefix);
            Workload w = new Workload(id, UUID.randomUUID().toString(), spec, caller.userId(), caller.userName(),
                    clusterId, Phase.Pending, "", now, null, null, null, 0, 0, false, false,
                    List.of(Condition.of("Queued", "Created", "created by " + caller.userName() + ", waiting to be scheduled", now)),
                    List.of(), List.of(), "", false, 0);
            try {
                inserter.accept(w);
                return id;
            } catch (WorkloadStore.DuplicateIdException taken) {
                // draw again: ids are unique forever
            }
        }
        throw new IllegalStateException("no free id for " + prefix + " after " + MAX_ID_ATTEMPTS + " draws");
    }

    /** A workload the caller may see; 404 otherwise, so its existence is not revealed. */
    public Workload get(Caller caller, String id) {
        requireId(id);
        Workload w = store.find(id).orElseThrow(() -> KilnException.NotFound.workload(id));
        if (!caller.isMemberOf(w.workspaceId())) {
            throw KilnException.NotFound.workload(id);
        }
        return w;
    }

    public WorkloadStore.Page list(Caller caller, WorkloadQuery query) {
        return store.list(query);
    }

    public void patch(Caller caller, String id, PatchRequest patch) {
        mutate(caller, id, "patch", w -> applyPatch(caller, w, patch));
    }

    private Workload applyPatch(Caller caller, Workload w, PatchRequest p) {
        if (w.phase().isTerminal()) {
            throw new KilnException.Conflict("workload " + w.id() + " is " + w.phase() + "; a finished workload cannot be patched");
        }
        Instant now = clock.instant();
        boolean podFieldsChanged = p.replica() != null || p.cpu() != null || p.gpu() != null || p.memory() != null
                || p.ephemeralStorage() != null || p.sharedMemory() != null || p.image() != null
                || p.entryPoint() != null || p.env() != null;
        if (w.phase() != Phase.Pending && podFieldsChanged && !w.kind().isService()) {
            throw new KilnException.Conflict("workload " + w.id() + " is " + w.phase() + "; " + firstPodField(p)
                    + " of a running " + w.kind() + " cannot change (stop it and clone it instead)");
        }
        if (p.replica() != null && !w.spec().specifiedNodes().isEmpty()) {
            throw new KilnException.Invalid("replica", "replica is set by specifiedNodes (" + w.spec().specifiedNodes().size() + " nodes)");
        }
        WorkloadSpec.Builder b = w.spec().toBuilder();
        ResourceSpec r = w.spec().resource();
        // a new memory without a new sharedMemory keeps the memory/2 default rather than an old, now invalid value
        String shm = p.sharedMemory() != null ? p.sharedMemory() : p.memory() != null ? null : r.sharedMemory();
        b.resource = new ResourceSpec(
                p.replica() != null ? p.replica() : r.replica(),
                p.cpu() != null ? p.cpu() : r.cpu(),
                p.gpu() != null ? p.gpu() : r.gpu(),
                p.memory() != null ? p.memory() : r.memory(),
                p.ephemeralStorage() != null ? p.ephemeralStorage() : r.ephemeralStorage(),
                shm);
        if (p.priority() != null) b.priority = p.priority();
        if (p.image() != null) b.image = p.image();
        if (p.entryPoint() != null) b.entryPoint = p.entryPoint();
        if (p.env() != null) b.env = p.env();
        if (p.description() != null) b.description = p.description();
        if (p.timeout() != null) b.timeout = p.timeout();
        if (p.maxRetry() != null) b.maxRetry = p.maxRetry();
        // only the new cron entries are checked against "now"; kept one-time entries may lie in the past by now
        List<CronJobSpec> cronJobs =
                p.cronJobs() != null ? validator.validateCronJobs(p.cronJobs(), now) : w.spec().cronJobs();
        b.cronJobs = List.of();
        WorkloadSpec.Builder done;
        try {
            done = validator.validate(b.build(), now, w.id()).toBuilder();
        } catch (KilnException.Invalid e) {
            throw asPatchFields(e);
        }
        // as on create: an out-of-range priority is a 400 for everyone; only a valid 2 needs an admin
        if (p.priority() != null) {
            requirePriority(caller, done.priority);
        }
        done.cronJobs = cronJobs;
        Workload.Builder next = w.toBuilder();
        next.spec = done.build();
        return next.build();
    }

    /**
     * Errors named as the patch body names its fields: a patch sends {@code gpu}, not {@code resource.gpu}, so a
     * bad value is reported as {@code gpu} — the same name a wrong JSON type in that field gets.
     */
    private static KilnException.Invalid asPatchFields(KilnException.Invalid e) {
        return new KilnException.Invalid(e.details().stream()
                .map(d -> d.field().startsWith("resource.")
                        ? new dev.kiln.workload.FieldError(d.field().substring("resource.".length()), d.message())
                        : d)
                .toList());
    }

    private static String firstPodField(PatchRequest p) {
        if (p.replica() != null) return "replica";
        if (p.cpu() != null) return "cpu";
        if (p.gpu() != null) return "gpu";
        if (p.memory() != null) return "memory";
        if (p.ephemeralStorage() != null) return "ephemeralStorage";
        if (p.sharedMemory() != null) return "sharedMemory";
        if (p.image() != null) return "image";
        if (p.entryPoint() != null) return "entryPoint";
        return "env";
    }

    /** Stops a workload; a terminal one is left as it is. Pods, if any, are killed by the lifecycle loop. */
    public void stop(Caller caller, String id) {
        mutate(caller, id, "stop", w -> {
            if (w.phase().isTerminal()) {
                return null;
            }
            return stopped(w, "UserRequest", "stopped by " + caller.userName(), clock.instant()).build();
        });
    }

    /** Stops it if active and removes it from list and get; the record stays, flagged, so its id is never reused. */
    public void delete(Caller caller, String id) {
        mutate(caller, id, "delete", w -> {
            Instant now = clock.instant();
            Workload.Builder b = w.phase().isTerminal()
                    ? w.toBuilder()
                    : stopped(w, "UserRequest", "deleted by " + caller.userName(), now);
            b.deleted = true;
            if (b.deletionTime == null) {
                b.deletionTime = now;
            }
            return b.build();
        });
    }

    public String cloneWorkload(Caller caller, String id) {
        Workload source = get(caller, id);
        requireOwner(caller, source, "clone");
        Instant now = clock.instant();
        WorkloadSpec spec = validator.validate(source.spec(), now);
        requireMember(caller, spec.workspaceId(), "create");
        requirePriority(caller, spec.priority());
        String newId = insertNew(caller, spec, now);
        onChange.accept(newId);
        return newId;
    }

    static Workload.Builder stopped(Workload w, String reason, String message, Instant now) {
        Workload.Builder b = w.toBuilder();
        b.phase = Phase.Stopped;
        b.stopRequested = true;
        b.retried = false;
        b.schedulerOrder = 0;
        if (b.endTime == null || w.phase().isActive()) {
            b.endTime = now;
        }
        b.condition(Condition.of("Stopped", reason, message, now));
        return b;
    }

    /** Read, change, compare-and-set; again when another writer won. A null change means nothing to do. */
    private void mutate(Caller caller, String id, String verb, java.util.function.Function<Workload, Workload> change) {
        for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
            Workload w = get(caller, id);
            requireOwner(caller, w, verb);
            Workload next = change.apply(w);
            if (next == null || store.update(next)) {
                onChange.accept(id);
                return;
            }
        }
        throw new KilnException.Conflict("workload " + id + " is changing too fast to " + verb + "; try again");
    }

    private static void requireId(String id) {
        if (!WorkloadIds.isValid(id)) {
            throw new KilnException.Invalid("workloadId", "'" + id + "' is not a workload id ([a-z0-9-]{1,63})");
        }
    }

    private static void requireMember(Caller caller, String workspaceId, String verb) {
        if (!caller.isMemberOf(workspaceId)) {
            throw new KilnException.Forbidden(caller.userName() + " may not " + verb + " workloads in workspace " + workspaceId);
        }
    }

    private static void requireOwner(Caller caller, Workload w, String verb) {
        if (!caller.admin() && !caller.userId().equals(w.userId())) {
            throw new KilnException.Forbidden(caller.userName() + " may not " + verb + " workload " + w.id()
                    + " in workspace " + w.workspaceId() + ": only its owner or an admin may");
        }
    }

    private static void requirePriority(Caller caller, int priority) {
        if (priority >= 2 && !caller.admin()) {
            throw new KilnException.Forbidden("priority 2 needs an admin; " + caller.userName() + " may use 0–1");
        }
    }

    /** The workspaces a list without workspaceId covers: the caller's own; admins all (null). */
    public static Set<String> visibleWorkspaces(Caller caller) {
        return caller.admin() ? null : caller.workspaces();
    }
}
