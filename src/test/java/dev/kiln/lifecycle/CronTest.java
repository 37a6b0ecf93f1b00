package dev.kiln.lifecycle;

import static dev.kiln.lifecycle.LifecycleHarness.T0;
import static dev.kiln.lifecycle.LifecycleHarness.cron;
import static dev.kiln.lifecycle.LifecycleHarness.job;
import static dev.kiln.lifecycle.LifecycleHarness.kind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.workload.Condition;
import dev.kiln.workload.Phase;
import dev.kiln.workload.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronTest extends HarnessTest {
    private static long cronFires(Workload w) {
        return w.conditions().stream().filter(c -> c.reason().equals("Cron")).count();
    }

    @Test
    void aOneTimeStartHoldsAPendingWorkloadUntilItsTime() {
        var b = job("later");
        b.cronJobs = List.of(cron("2026-06-01T12:02:00Z", "start"));
        String id = h.create(b);

        h.run();
        assertThat(h.get(id).phase()).isEqualTo(Phase.Pending);
        assertThat(h.get(id).message()).isEqualTo("waiting for scheduled start at 2026-06-01T12:02:00");

        h.clock.set(T0.plusSeconds(119));
        h.run();
        assertThat(h.get(id).phase()).isEqualTo(Phase.Pending);

        h.clock.set(T0.plusSeconds(120));
        h.run();
        Workload w = h.get(id);
        assertThat(w.phase()).isEqualTo(Phase.Running);
        assertThat(cronFires(w)).isEqualTo(1);

        h.clock.advance(Duration.ofMinutes(10));
        h.run();
        assertThat(cronFires(h.get(id))).as("a one-time entry fires once").isEqualTo(1);
    }

    @Test
    void everyFiveMinutesFiresExactlyTwelveTimesAnHour() {
        var b = job("periodic");
        b.cronJobs = List.of(cron("*/5 * * * *", "start"));
        h.clock.set(T0.minusSeconds(30)); // created at 11:59:30; fires at 12:00, 12:05, … 12:55
        String id = h.create(b);
        for (int second = 0; second < 3600; second += 15) {
            h.clock.set(T0.plusSeconds(second));
            h.run();
            if (h.get(id).phase() == Phase.Running) {
                h.finish(id, 0); // each run is over quickly
            }
        }
        Workload w = h.get(id);
        assertThat(cronFires(w)).isEqualTo(12);
        assertThat(w.dispatchCount()).isEqualTo(12);
        assertThat(w.phase()).isEqualTo(Phase.Succeeded);
    }

    @Test
    void startOnATerminalWorkloadStartsANewRunWithAFreshRetryBudget() {
        var b = job("nightly");
        b.maxRetry = 1;
        b.cronJobs = List.of(cron("0 3 * * *", "start"));
        h.clock.set(T0.minus(Duration.ofHours(10))); // 02:00
        String id = h.create(b);
        h.clock.set(T0.minus(Duration.ofHours(9))); // 03:00: first fire releases it
        h.run();
        h.finish(id, 1); // the retry starts in the same pass
        h.finish(id, 1);
        assertThat(h.get(id).phase()).isEqualTo(Phase.Failed);
        assertThat(h.get(id).dispatchCount()).isEqualTo(2);

        h.clock.set(T0.plus(Duration.ofHours(15))); // next day 03:00
        h.run();
        assertThat(h.get(id).phase()).isEqualTo(Phase.Running);
        assertThat(h.get(id).dispatchCount()).isEqualTo(3);
        h.finish(id, 1);
        assertThat(h.get(id).phase()).as("retries renewed: run 4 started at once").isEqualTo(Phase.Running);
        assertThat(h.get(id).dispatchCount()).isEqualTo(4);
        h.finish(id, 1);
        assertThat(h.get(id).phase()).isEqualTo(Phase.Failed);
        assertThat(h.get(id).dispatchCount()).isEqualTo(4);
    }

    @Test
    void startOnAnActiveWorkloadDoesNothing() {
        var b = kind(job("dev"), "Authoring");
        b.entryPoint = null;
        b.cronJobs = List.of(cron("*/10 * * * *", "start"));
        String id = h.create(b);
        h.clock.set(T0.plusSeconds(600));
        h.run();
        h.run();
        Workload w = h.get(id);
        assertThat(w.phase()).isEqualTo(Phase.Running);
        h.clock.set(T0.plusSeconds(1200));
        h.run();
        w = h.get(id);
        assertThat(w.phase()).isEqualTo(Phase.Running);
        assertThat(w.dispatchCount()).isEqualTo(1);
        assertThat(w.conditions().getLast().message()).contains("already Running");
    }

    @Test
    void stopStopsAnActiveWorkload() {
        var b = kind(job("dev"), "Authoring");
        b.entryPoint = null;
        b.cronJobs = List.of(cron("2026-06-01T18:00:00Z", "stop"));
        String id = h.create(b);
        h.run();
        assertThat(h.get(id).phase()).isEqualTo(Phase.Running);

        h.clock.set(Instant("2026-06-01T18:00:00Z"));
        h.run();
        Workload w = h.get(id);
        assertThat(w.phase()).isEqualTo(Phase.Stopped);
        Condition last = w.conditions().getLast();
        assertThat(last.type()).isEqualTo("Stopped");
        assertThat(last.reason()).isEqualTo("Cron");
        h.run();
        assertThat(h.runtime.stops).hasSize(1);
    }

    @Test
    void afterDowntimeAnEntryCatchesUpOnceAndARestartDoesNotRepeatAFire() {
        var b = job("minutely");
        b.cronJobs = List.of(cron("* * * * *", "start"));
        String id = h.create(b);
        h.run(); // 12:00 fires
        h.finish(id, 0);
        assertThat(cronFires(h.get(id))).isEqualTo(1);

        // Kiln is down for half an hour; a new controller (as after a restart) reads the persisted fire times
        h.controller.close();
        h.controller = h.newController();
        h.clock.set(T0.plus(Duration.ofMinutes(30)).plusSeconds(5));
        h.run();
        assertThat(cronFires(h.get(id))).as("30 missed fires catch up once").isEqualTo(2);
        h.finish(id, 0);

        h.controller.close();
        h.controller = h.newController();
        h.run();
        assertThat(cronFires(h.get(id))).as("the same minute never fires twice").isEqualTo(2);
    }

    private static java.time.Instant Instant(String text) {
        return java.time.Instant.parse(text);
    }
}
