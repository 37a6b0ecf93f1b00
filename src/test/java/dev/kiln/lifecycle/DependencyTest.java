package dev.kiln.lifecycle;

import static dev.kiln.lifecycle.LifecycleHarness.job;
import static dev.kiln.lifecycle.LifecycleHarness.kind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.workload.Condition;
import dev.kiln.workload.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

class DependencyTest extends HarnessTest {
    @Test
    void waitsUntilEveryDependencySucceededThenRuns() {
        String a = h.create(job("a"));
        String c = h.create(job("c"));
        var b = job("b");
        b.dependencies = List.of(a, c);
        String dependent = h.create(b);

        h.run();
        h.run(); // the message is written before the pass starts the dependencies; the next pass names their phase
        assertThat(h.get(a).phase()).isEqualTo(Phase.Running);
        assertThat(h.get(dependent).phase()).isEqualTo(Phase.Pending);
        assertThat(h.get(dependent).message()).isEqualTo("waiting for dependencies: " + a + " is Running, " + c + " is Running");

        h.finish(a, 0);
        h.run();
        assertThat(h.get(a).phase()).isEqualTo(Phase.Succeeded);
        assertThat(h.get(dependent).phase()).isEqualTo(Phase.Pending);
        assertThat(h.get(dependent).message()).isEqualTo("waiting for dependencies: " + c + " is Running");

        h.finish(c, 0);
        h.run();
        assertThat(h.get(dependent).phase()).isEqualTo(Phase.Running);
    }

    @Test
    void failsWhenADependencyFails() {
        String a = h.create(job("a"));
        var b = job("b");
        b.dependencies = List.of(a);
        String dependent = h.create(b);
        h.run();

        h.finish(a, 2);
        h.run();

        assertThat(h.get(a).phase()).isEqualTo(Phase.Failed);
        assertThat(h.get(dependent).phase()).isEqualTo(Phase.Failed);
        Condition last = h.get(dependent).conditions().getLast();
        assertThat(last.reason()).isEqualTo("DependencyFailed");
        assertThat(last.message()).isEqualTo("dependency " + a + " is Failed");
        assertThat(h.runtime.keysOf(dependent)).isEmpty();
    }

    @Test
    void failsWhenADependencyIsStoppedOrDeleted() {
        String a = h.create(job("a"));
        String c = h.create(job("c"));
        var b1 = job("b1");
        b1.dependencies = List.of(a);
        String onStopped = h.create(b1);
        var b2 = job("b2");
        b2.dependencies = List.of(c);
        String onDeleted = h.create(b2);
        h.run();

        h.service.stop(h.admin, a);
        h.service.delete(h.admin, c);
        h.run();

        assertThat(h.get(onStopped).phase()).isEqualTo(Phase.Failed);
        assertThat(h.get(onStopped).message()).isEqualTo("dependency " + a + " is Stopped");
        assertThat(h.get(onDeleted).phase()).isEqualTo(Phase.Failed);
        assertThat(h.get(onDeleted).message()).isEqualTo("dependency " + c + " was deleted");
    }

    @Test
    void aDeploymentMayWaitForAJob() {
        String train = h.create(job("train"));
        var serve = kind(job("serve"), "Deployment");
        serve.dependencies = List.of(train);
        String deployment = h.create(serve);
        h.run();
        assertThat(h.get(deployment).phase()).isEqualTo(Phase.Pending);

        h.finish(train, 0);
        h.run();
        assertThat(h.get(deployment).phase()).isEqualTo(Phase.Running);
    }
}
