package dev.kiln.lifecycle;

import static java.util.Objects.requireNonNull;

import dev.kiln.store.CronState;
import dev.kiln.store.WorkloadStore;
import dev.kiln.workload.Condition;
import dev.kiln.workload.CronJobSpec;
import dev.kiln.workload.CronSchedule;
import dev.kiln.workload.Phase;
import dev.kiln.workload.Times;
import dev.kiln.workload.Workload;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fires cron entries (SPEC §7.6). An entry fires at most once per minute; its last fire time is stored with the
 * workload, so a restart neither repeats a fire nor loses one, and after downtime an entry catches up once.
 */
final class CronStep {
    private final WorkloadStore store;
    private final ZoneId zone;

    CronStep(WorkloadStore store, ZoneId zone) {
        this.store = requireNonNull(store, "store is null");
        this.zone = requireNonNull(zone, "zone is null");
    }

    static String key(CronJobSpec job) {
        return job.action() + "|" + job.schedule();
    }

    /** Runs every due entry of every workload with a schedule; returns whether anything changed. */
    boolean runOnce(Instant now) {
        boolean changed = false;
        for (Workload w : store.findWithCron()) {
            changed |= fire(w, now);
        }
        return changed;
    }

    private boolean fire(Workload w, Instant now) {
        CronState state = store.cronState(w.id());
        Map<String, Instant> fires = new HashMap<>(state.fires());
        Workload.Builder b = w.toBuilder();
        int retryBase = state.retryBase();
        boolean any = false;
        for (CronJobSpec job : w.spec().cronJobs()) {
            Optional<Instant> due = due(job, fires.get(key(job)), w.creationTime(), now);
            if (due.isEmpty()) {
                continue;
            }
            any = true;
            fires.put(key(job), due.get());
            String what = "cron " + job.action() + " '" + job.schedule() + "' fired at " + Times.format(due.get());
            Phase phase = b.phase;
            if (job.action().equals("stop")) {
                if (phase.isActive()) {
                    b.phase = Phase.Stopped;
                    b.endTime = now;
                    b.retried = false;
                    b.condition(Condition.of("Stopped", "Cron", what + ": stopped", now));
                } else {
                    b.condition(Condition.of("Cron", "Cron", what + ": nothing to stop (" + phase + ")", now));
                }
            } else if (phase.isTerminal()) {
                // a new run of a finished workload, with a fresh retry budget
                b.phase = Phase.Pending;
                b.endTime = null;
                b.deletionTime = null;
                b.retried = false;
                b.stopRequested = false;
                retryBase = b.dispatchCount;
                b.condition(Condition.of("Queued", "Cron", what + ": new run queued", now));
            } else if (phase == Phase.Pending) {
                b.condition(Condition.of("Queued", "Cron", what + ": released to the queue", now));
            } else {
                b.condition(Condition.of("Cron", "Cron", what + ": already " + phase, now));
            }
        }
        if (!any) {
            return false;
        }
        return store.update(b.build(), new CronState(fires, retryBase));
    }

    /**
     * The fire time of an entry that is due now, if any: a one-time entry once its time has come; a recurring one
     * at the latest matching minute after its previous fire (or the workload's creation), so missed fires collapse
     * into one.
     */
    Optional<Instant> due(CronJobSpec job, Instant lastFire, Instant created, Instant now) {
        CronSchedule schedule;
        try {
            schedule = CronSchedule.parse(job.schedule(), zone);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // validated on create; a schedule that no longer parses never fires
        }
        if (schedule instanceof CronSchedule.Once once) {
            return lastFire == null && !now.isBefore(once.at()) ? Optional.of(once.at()) : Optional.empty();
        }
        Instant from = lastFire != null ? lastFire : created.truncatedTo(ChronoUnit.MINUTES).minusNanos(1);
        Optional<Instant> next = schedule.nextAfter(from);
        if (next.isEmpty() || next.get().isAfter(now)) {
            return Optional.empty();
        }
        Instant latest = next.get();
        // catch up at most once: skip to the latest due minute
        for (int i = 0; i < 100_000; i++) {
            Optional<Instant> after = schedule.nextAfter(latest);
            if (after.isEmpty() || after.get().isAfter(now)) {
                break;
            }
            latest = after.get();
        }
        return Optional.of(latest);
    }

    /**
     * Why a pending workload is held by its schedule, or null: one that has never run and has start entries waits
     * until the first of them fires.
     */
    String hold(Workload w, Instant now) {
        if (w.dispatchCount() > 0) {
            return null;
        }
        List<CronJobSpec> starts = w.spec().cronJobs().stream().filter(j -> j.action().equals("start")).toList();
        if (starts.isEmpty()) {
            return null;
        }
        CronState state = store.cronState(w.id());
        if (starts.stream().anyMatch(j -> state.fires().containsKey(key(j)))) {
            return null;
        }
        Instant next = null;
        for (CronJobSpec job : starts) {
            Instant after = state.fires().getOrDefault(key(job), now);
            try {
                Optional<Instant> t = CronSchedule.parse(job.schedule(), zone).nextAfter(after.minusNanos(1));
                if (t.isPresent() && (next == null || t.get().isBefore(next))) {
                    next = t.get();
                }
            } catch (IllegalArgumentException e) {
                // cannot happen for validated specs
            }
        }
        return next == null ? "waiting for a scheduled start that will not come again" : "waiting for scheduled start at " + Times.format(next);
    }
}
