package dev.kiln.api;

import static java.util.Objects.requireNonNull;

import dev.kiln.auth.Caller;
import dev.kiln.service.Cluster;
import dev.kiln.service.PodService;
import dev.kiln.service.StartEstimates;
import dev.kiln.service.WorkloadService;
import dev.kiln.store.WorkloadQuery;
import dev.kiln.workload.KilnException;
import dev.kiln.workload.Kind;
import dev.kiln.workload.PatchRequest;
import dev.kiln.workload.Phase;
import dev.kiln.workload.Pod;
import dev.kiln.workload.Times;
import dev.kiln.workload.Workload;
import dev.kiln.workload.WorkloadIds;
import dev.kiln.workload.WorkloadSpec;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/** The workload endpoints of API.md. */
final class WorkloadRoutes {
    static final String BASE = "/api/v1/workloads";
    private static final int MAX_BATCH = 1000;
    /** Pod ids extend workload ids with a role and ordinal (x-master-0), so they may be longer. */
    private static final java.util.regex.Pattern POD_ID = java.util.regex.Pattern.compile("[a-z0-9-]{1,253}");

    /** sortBy accepts the response field names and their snake_case forms. */
    private static final Map<String, WorkloadQuery.SortField> SORT_FIELDS = sortFields();

    private final WorkloadService workloads;
    private final PodService pods;
    private final StartEstimates estimates;
    private final Cluster cluster;
    private final Clock clock;
    private final long maxBodyBytes;
    private final ApiServer.SshEndpoint ssh;

    /** @param ssh the SSH server, for pods' sshAddr; null when SSH is off */
    WorkloadRoutes(
            WorkloadService workloads, PodService pods, StartEstimates estimates, Cluster cluster, Clock clock,
            long maxBodyBytes, ApiServer.SshEndpoint ssh) {
        this.ssh = ssh;
        this.estimates = requireNonNull(estimates, "estimates is null");
        this.workloads = requireNonNull(workloads, "workloads is null");
        this.pods = requireNonNull(pods, "pods is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.maxBodyBytes = maxBodyBytes;
    }

    record BatchRequest(List<String> workloadIds) {}

    List<Route> routes() {
        var listParams = List.of(
                new Route.Param("workspaceId", "string", "Filter by workspace id"),
                new Route.Param("phase", "string", "Comma-separated phases: " + String.join(",", Phase.NAMES)),
                new Route.Param("clusterId", "string", "Filter by cluster id"),
                new Route.Param("userId", "string", "Filter by submitter's user id"),
                new Route.Param("userName", "string", "Case-insensitive substring of the submitter's name"),
                new Route.Param("kind", "string", "Comma-separated kinds: " + String.join(",", Kind.NAMES)),
                new Route.Param("description", "string", "Case-insensitive substring of the description"),
                new Route.Param("offset", "integer", "Starting offset, default 0"),
                new Route.Param("limit", "integer", "Page size 1-1000, default 100"),
                new Route.Param("sortBy", "string", "One of " + String.join(", ", SORT_FIELDS.keySet()) + "; default creationTime"),
                new Route.Param("order", "string", "desc (default) or asc"),
                new Route.Param("since", "string", "Created at or after this time, e.g. 2006-01-02T15:04:05.000Z"),
                new Route.Param("until", "string", "Created at or before this time"),
                new Route.Param("workloadId", "string", "Case-insensitive substring of the workload id"));
        var logParams = List.of(
                new Route.Param("tailLines", "integer", "Last n lines, 1-100000, default 1000"),
                new Route.Param("container", "string", "Container name; default the main container"),
                new Route.Param("sinceSeconds", "integer", "Only lines written in the last n seconds (n >= 1)"),
                new Route.Param("dispatch", "integer", "Which run's logs (1-based); default the latest"));
        return List.of(
                new Route(HandlerType.POST, BASE, "Create a workload", WorkloadSpec.class, Views.CreateResponse.class, List.of(), this::create),
                new Route(HandlerType.GET, BASE, "List workloads", null, Views.ListResponse.class, listParams, this::list),
                new Route(HandlerType.GET, BASE + "/{workloadId}", "Get a workload", null, Views.Detail.class, List.of(), this::get),
                new Route(HandlerType.PATCH, BASE + "/{workloadId}", "Update a workload", PatchRequest.class, null, List.of(), this::patch),
                new Route(HandlerType.DELETE, BASE + "/{workloadId}", "Delete a workload", null, null, List.of(), this::delete),
                new Route(HandlerType.POST, BASE + "/{workloadId}/stop", "Stop a workload", null, null, List.of(), this::stop),
                new Route(HandlerType.POST, BASE + "/delete", "Delete workloads", BatchRequest.class, Views.BatchResponse.class, List.of(),
                        ctx -> batch(ctx, (caller, id) -> { workloads.delete(caller, id); return null; })),
                new Route(HandlerType.POST, BASE + "/stop", "Stop workloads", BatchRequest.class, Views.BatchResponse.class, List.of(),
                        ctx -> batch(ctx, (caller, id) -> { workloads.stop(caller, id); return null; })),
                new Route(HandlerType.POST, BASE + "/clone", "Clone workloads", BatchRequest.class, Views.CloneResponse.class, List.of(), this::cloneAll),
                new Route(HandlerType.GET, BASE + "/{workloadId}/service", "Get a workload's service: address, port, ready endpoints",
                        null, dev.kiln.service.ServiceState.class, List.of(), this::service),
                new Route(HandlerType.GET, BASE + "/{workloadId}/pods/{podId}/logs", "Get a pod's log", null, Views.LogsResponse.class, logParams, this::logs),
                new Route(HandlerType.GET, BASE + "/{workloadId}/pods/{podId}/containers", "List a pod's containers and shells", null,
                        Views.ContainersResponse.class, List.of(), this::containers));
    }

    private void create(Context ctx) {
        Caller caller = Callers.of(ctx);
        WorkloadSpec request = Requests.body(ctx, WorkloadSpec.class, maxBodyBytes);
        String id = workloads.create(caller, request);
        Callers.auditTarget(ctx, id);
        Http.json(ctx, new Views.CreateResponse(id));
    }

    private void list(Context ctx) {
        Caller caller = Callers.of(ctx);
        String workspaceId = Requests.query(ctx, "workspaceId");
        Set<String> workspaces;
        if (workspaceId != null) {
            if (cluster.workspace(workspaceId).isEmpty()) {
                throw KilnException.NotFound.workspace(workspaceId);
            }
            if (!caller.isMemberOf(workspaceId)) {
                throw new KilnException.Forbidden(caller.userName() + " may not list workloads in workspace " + workspaceId);
            }
            workspaces = Set.of(workspaceId);
        } else {
            workspaces = WorkloadService.visibleWorkspaces(caller);
        }
        String sortBy = Requests.query(ctx, "sortBy");
        WorkloadQuery.SortField sort = WorkloadQuery.SortField.creationTime;
        if (sortBy != null) {
            sort = SORT_FIELDS.get(sortBy);
            if (sort == null) {
                throw new KilnException.Invalid("sortBy", "'" + sortBy + "' is not one of " + String.join(", ", SORT_FIELDS.keySet()));
            }
        }
        String order = Requests.query(ctx, "order");
        boolean ascending = false;
        if (order != null) {
            switch (order.toLowerCase(Locale.ROOT)) {
                case "asc" -> ascending = true;
                case "desc" -> ascending = false;
                default -> throw new KilnException.Invalid("order", "'" + order + "' is not one of desc, asc");
            }
        }
        WorkloadQuery query = new WorkloadQuery(
                workspaces,
                Requests.enumListQuery(ctx, "phase", Phase.NAMES),
                Requests.enumListQuery(ctx, "kind", Kind.NAMES),
                Requests.query(ctx, "clusterId"),
                Requests.query(ctx, "userId"),
                Requests.query(ctx, "userName"),
                Requests.query(ctx, "description"),
                Requests.query(ctx, "workloadId"),
                Requests.parsedQuery(ctx, "since", Times::parse, "a time like 2006-01-02T15:04:05.000Z"),
                Requests.parsedQuery(ctx, "until", Times::parse, "a time like 2006-01-02T15:04:05.000Z"),
                sort,
                ascending,
                Requests.intQuery(ctx, "offset", 0, 0, Integer.MAX_VALUE),
                Requests.intQuery(ctx, "limit", 100, 1, 1000));
        var page = workloads.list(caller, query);
        Instant now = clock.instant();
        Http.json(ctx, new Views.ListResponse(page.totalCount(), page.items().stream().map(w -> Views.item(w, now)).toList()));
    }

    private void get(Context ctx) {
        Caller caller = Callers.of(ctx);
        Workload w = workloads.get(caller, workloadId(ctx));
        List<Views.PodView> podViews = pods.pods(w).stream().map(p -> podView(p, ssh)).toList();
        Instant now = clock.instant();
        Http.json(ctx, Views.detail(w, now, podViews, estimates.estimatedStart(w, now).orElse(null)));
    }

    /** Same access as get; 404 when the workload has no service. */
    private void service(Context ctx) {
        Caller caller = Callers.of(ctx);
        Workload w = workloads.get(caller, workloadId(ctx));
        var state = pods.service(w).orElseThrow(() -> new KilnException.NotFound("NotFound",
                "workload " + w.id() + " has no service"));
        Http.json(ctx, state);
    }

    static Views.PodView podView(Pod p) {
        return podView(p, null);
    }

    /** sshAddr is the command that opens a shell in the pod, for running pods while SSH is on; else "". */
    static Views.PodView podView(Pod p, ApiServer.SshEndpoint ssh) {
        String sshAddr = ssh != null && "Running".equals(p.phase()) ? ssh.command(p.podId()) : "";
        return new Views.PodView(p.podId(), p.node(), p.node(), p.phase(), Times.format(p.startTime()),
                Times.format(p.endTime()), p.hostIp(), p.podIp(), p.rank(), sshAddr,
                p.containers().stream()
                        .map(c -> new Views.ContainerView(c.name(), c.reason(), c.message(), c.exitCode(), c.restartCount()))
                        .toList());
    }

    private void patch(Context ctx) {
        Caller caller = Callers.of(ctx);
        String id = workloadId(ctx);
        PatchRequest patch = Requests.body(ctx, PatchRequest.class, maxBodyBytes);
        workloads.patch(caller, id, patch);
        ctx.status(200);
    }

    private void delete(Context ctx) {
        workloads.delete(Callers.of(ctx), workloadId(ctx));
        ctx.status(200);
    }

    private void stop(Context ctx) {
        workloads.stop(Callers.of(ctx), workloadId(ctx));
        ctx.status(200);
    }

    private void cloneAll(Context ctx) {
        List<String> newIds = new ArrayList<>();
        boolean allOk = batch(ctx, (caller, id) -> {
            String newId = workloads.cloneWorkload(caller, id);
            newIds.add(newId);
            return newId;
        });
        if (allOk) {
            Http.json(ctx, new Views.CloneResponse(newIds));
        }
    }

    /** Runs {@code action} for each id independently: 200 with no body when all succeed, else 207 with every result. */
    private boolean batch(Context ctx, BiFunction<Caller, String, String> action) {
        Caller caller = Callers.of(ctx);
        BatchRequest request = Requests.body(ctx, BatchRequest.class, maxBodyBytes);
        List<String> ids = request.workloadIds();
        if (ids != null) {
            Callers.auditTarget(ctx, String.join(",", ids));
        }
        if (ids == null || ids.isEmpty() || ids.size() > MAX_BATCH) {
            throw new KilnException.Invalid("workloadIds", "workloadIds must list 1–" + MAX_BATCH + " ids; got "
                    + (ids == null ? 0 : ids.size()));
        }
        List<Views.BatchResult> results = new ArrayList<>();
        boolean allOk = true;
        for (String id : ids) {
            try {
                if (!WorkloadIds.isValid(id)) {
                    throw new KilnException.Invalid("workloadIds", "'" + id + "' is not a workload id ([a-z0-9-]{1,63})");
                }
                String newId = action.apply(caller, id);
                results.add(new Views.BatchResult(id, 200, null, null, newId));
            } catch (KilnException e) {
                allOk = false;
                results.add(new Views.BatchResult(id, ApiErrors.status(e), e.errorCode(), e.getMessage(), null));
            }
        }
        if (allOk) {
            ctx.status(200);
        } else {
            Http.json(ctx.status(207), new Views.BatchResponse(results));
        }
        return allOk;
    }

    private void logs(Context ctx) {
        Caller caller = Callers.of(ctx);
        Workload w = workloads.get(caller, workloadId(ctx));
        String podId = podId(ctx);
        int tailLines = Requests.intQuery(ctx, "tailLines", 1000, 1, 100_000);
        String since = Requests.query(ctx, "sinceSeconds");
        Duration sinceDuration = null;
        if (since != null) {
            sinceDuration = Duration.ofSeconds(Requests.intQuery(ctx, "sinceSeconds", 0, 1, Integer.MAX_VALUE));
        }
        Integer dispatch = Requests.query(ctx, "dispatch") == null
                ? null
                : Requests.intQuery(ctx, "dispatch", 1, 1, Integer.MAX_VALUE);
        String container = Requests.query(ctx, "container");
        if (container != null && !WorkloadIds.isValid(container)) {
            throw new KilnException.Invalid("container", "'" + container + "' is not a container name ([a-z0-9-]{1,63})");
        }
        List<String> lines = pods.logs(w, podId, container, tailLines, sinceDuration, dispatch);
        Http.json(ctx, new Views.LogsResponse(w.id(), podId, w.workspaceId(), lines));
    }

    private void containers(Context ctx) {
        Caller caller = Callers.of(ctx);
        Workload w = workloads.get(caller, workloadId(ctx));
        String podId = podId(ctx);
        List<Views.ContainerName> names = pods.containers(w, podId).stream().map(Views.ContainerName::new).toList();
        Http.json(ctx, new Views.ContainersResponse(names, pods.shells(w, podId)));
    }

    static String workloadId(Context ctx) {
        String id = ctx.pathParam("workloadId");
        if (!WorkloadIds.isValid(id)) {
            throw new KilnException.Invalid("workloadId", "'" + id + "' is not a workload id ([a-z0-9-]{1,63})");
        }
        return id;
    }

    static String podId(Context ctx) {
        String id = ctx.pathParam("podId");
        if (id == null || !POD_ID.matcher(id).matches()) {
            throw new KilnException.Invalid("podId", "'" + id + "' is not a pod id ([a-z0-9-]{1,253})");
        }
        return id;
    }

    private static Map<String, WorkloadQuery.SortField> sortFields() {
        Map<String, WorkloadQuery.SortField> m = new java.util.LinkedHashMap<>();
        for (WorkloadQuery.SortField f : WorkloadQuery.SortField.values()) {
            m.put(f.name(), f);
            m.put(snake(f.name()), f);
        }
        m.put("create_time", WorkloadQuery.SortField.creationTime);
        m.put("workload_id", WorkloadQuery.SortField.workloadId);
        return m;
    }

    private static String snake(String camel) {
        return Arrays.stream(camel.split("(?=[A-Z])")).map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.joining("_"));
    }
}
