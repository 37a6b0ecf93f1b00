package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.TestingClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML configuration of SPEC §13: defaults, unknown keys and bad values fail start-up naming them. */
class KilnConfigTest {
    @TempDir
    Path dir;

    KilnConfig load(String yaml) throws IOException {
        Path file = dir.resolve("kiln.yaml");
        Files.writeString(file, yaml);
        return KilnConfig.load(file);
    }

    /** Loads and starts; start-up must fail with a {@link KilnConfig.ConfigException}. */
    void assertStartFails(String yaml, String... messageParts) throws IOException {
        KilnConfig config = load(yaml).withOverrides(0, "127.0.0.1", dir.resolve("data").toString());
        assertThatThrownBy(() -> Kiln.start(config, new TestingClock()).close())
                .isInstanceOf(KilnConfig.ConfigException.class)
                .message().contains(messageParts);
    }

    @Test
    void emptyFileIsValidAndGivesTheDefaults() throws IOException {
        for (String text : new String[] {"", "   \n", "# only a comment\n", "---\n"}) {
            KilnConfig c = load(text);
            assertThat(c).as("'%s'", text).isEqualTo(KilnConfig.defaults());
        }
    }

    @Test
    void defaults() {
        KilnConfig c = KilnConfig.defaults();
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.server().bind()).isEqualTo("127.0.0.1");
        assertThat(c.server().maxBodyBytes()).isEqualTo(2_097_152L);
        assertThat(c.dataDir()).isEqualTo("./data");
        assertThat(c.database().url()).isEqualTo("jdbc:h2:file:${dataDir}/kiln");
        assertThat(c.database().user()).isEmpty();
        assertThat(c.cluster().id()).isEqualTo("local");
        assertThat(c.cluster().timeZone()).isEqualTo("UTC");
        assertThat(c.runtime().type()).isEqualTo("local");
        assertThat(c.runtime().gpuResource()).isEqualTo("nvidia.com/gpu");
        assertThat(c.nodes()).isEmpty();
        assertThat(c.workspaces()).isEmpty();
        assertThat(c.lifecycle().stopGracePeriod()).isEqualTo("30s");
        assertThat(c.lifecycle().hangTimeout()).isEqualTo("30m");
        assertThat(c.lifecycle().logRetention()).isEqualTo("7d");
        assertThat(c.databaseUrl()).startsWith("jdbc:h2:file:/").endsWith("/data/kiln").doesNotContain("${dataDir}");
    }

    @Test
    void theSpecExampleLoads() throws IOException {
        KilnConfig c = load("""
                server:   { port: 9090, bind: 0.0.0.0, maxBodyBytes: 1048576 }
                dataDir: /tmp/kiln-data
                database: { url: "jdbc:h2:file:${dataDir}/kiln", user: "", password: "" }
                cluster:  { id: lab, timeZone: Europe/Berlin }
                runtime:  { type: local }
                nodes:
                  - name: node-a
                    cpu: "16"
                    gpu: "8"
                    memory: 64Gi
                    ephemeralStorage: 500Gi
                    labels: { zone: a }
                    taints: [ "maintenance=true:NoSchedule" ]
                workspaces:
                  - id: team-a
                    nodes: [node-a]
                    quota: { gpu: "16" }
                    members: [alice]
                lifecycle: { stopGracePeriod: 10s, hangTimeout: 1h, logRetention: 14d }
                """);
        assertThat(c.server().port()).isEqualTo(9090);
        assertThat(c.server().maxBodyBytes()).isEqualTo(1_048_576L);
        assertThat(c.cluster().id()).isEqualTo("lab");
        assertThat(c.nodes()).hasSize(1);
        assertThat(c.nodes().get(0).taints()).containsExactly("maintenance=true:NoSchedule");
        assertThat(c.workspaces().get(0).quota().gpu()).isEqualTo("16");
        assertThat(c.databaseUrl()).isEqualTo("jdbc:h2:file:/tmp/kiln-data/kiln");
        assertThat(c.lifecycle().hangTimeout()).isEqualTo("1h");
    }

    @Test
    void commandLineOverridesTheFile() throws IOException {
        String yaml = "server: { port: 9090, bind: 0.0.0.0 }\ndataDir: /srv/kiln\n";
        KilnConfig c = load(yaml).withOverrides(7070, null, null);
        assertThat(c.server().port()).isEqualTo(7070);
        assertThat(c.server().bind()).isEqualTo("0.0.0.0");
        assertThat(c.dataDir()).isEqualTo("/srv/kiln");
        KilnConfig d = load(yaml).withOverrides(null, "127.0.0.2", "/tmp/x");
        assertThat(d.server().port()).isEqualTo(9090);
        assertThat(d.server().bind()).isEqualTo("127.0.0.2");
        assertThat(d.dataDir()).isEqualTo("/tmp/x");
    }

    @Test
    void sshSectionIsReadAndItsUnknownKeysFail() throws IOException {
        KilnConfig c = load("ssh: { enabled: true, port: 2022, hostKey: /srv/kiln/host_key }\n");
        assertThat(c.ssh()).isEqualTo(new KilnConfig.Ssh(true, 2022, "/srv/kiln/host_key"));
        // unset: resolved at start-up (on only on loopback, port 2222, <dataDir>/ssh_host_key)
        assertThat(load("server: { port: 9090 }\n").ssh()).isEqualTo(new KilnConfig.Ssh(null, null, null));
        assertThat(load("ssh: { enabled: false }\n").withOverrides(1, null, null).ssh().enabled()).isFalse();
        assertThatThrownBy(() -> load("ssh: { prt: 22 }\n"))
                .isInstanceOf(KilnConfig.ConfigException.class)
                .hasMessageContaining("ssh.prt")
                .hasMessageContaining("hostKey");
    }

    @Test
    void unknownTopLevelKeyFailsNamingIt() {
        assertThatThrownBy(() -> load("colour: red\n"))
                .isInstanceOf(KilnConfig.ConfigException.class)
                .hasMessageContaining("unknown key 'colour'");
    }

    @Test
    void unknownNestedKeyFailsNamingItsPath() {
        assertThatThrownBy(() -> load("server:\n  prot: 8080\n"))
                .isInstanceOf(KilnConfig.ConfigException.class)
                .hasMessageContaining("server.prot")
                .hasMessageContaining("port");
        assertThatThrownBy(() -> load("nodes:\n  - name: a\n    gpus: 8\n"))
                .isInstanceOf(KilnConfig.ConfigException.class)
                .hasMessageContaining("nodes[0].gpus");
    }

    @Test
    void wrongTypeFailsNamingTheKey() {
        assertThatThrownBy(() -> load("server: { port: eighty }\n"))
                .isInstanceOf(KilnConfig.ConfigException.class)
                .hasMessageContaining("server.port");
    }

    @Test
    void badDurationMessagesNameTheKeyAndTheForm() {
        assertThat(KilnConfig.duration("lifecycle.stopGracePeriod", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(KilnConfig.duration("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(KilnConfig.duration("k", "7d")).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> KilnConfig.duration("lifecycle.hangTimeout", "30 minutes"))
                .isInstanceOf(KilnConfig.ConfigException.class)
                .hasMessageContaining("lifecycle.hangTimeout")
                .hasMessageContaining("30 minutes")
                .hasMessageContaining("30s");
    }

    @Test
    void badLifecycleDurationFailsStartUp() throws IOException {
        assertStartFails("lifecycle: { stopGracePeriod: soon }\n", "lifecycle.stopGracePeriod", "soon");
        assertStartFails("lifecycle: { hangTimeout: 30 }\n", "lifecycle.hangTimeout");
        assertStartFails("lifecycle: { logRetention: 1w }\n", "lifecycle.logRetention");
    }

    @Test
    void badQuantitiesFailStartUpNamingTheKey() throws IOException {
        assertStartFails("nodes: [ { name: node-a, cpu: lots } ]\n", "nodes[0].cpu", "lots");
        assertStartFails("nodes: [ { name: node-a, gpu: \"1.5\" } ]\n", "nodes[0].gpu");
        assertStartFails("nodes: [ { name: node-a, memory: 64GB } ]\n", "nodes[0].memory", "64GB");
        assertStartFails("nodes: [ { name: node-a, ephemeralStorage: big } ]\n", "nodes[0].ephemeralStorage");
        assertStartFails("workspaces: [ { id: t, quota: { gpu: many } } ]\n", "workspaces[0].quota.gpu");
        assertStartFails("workspaces: [ { id: t, quota: { memory: x } } ]\n", "workspaces[0].quota.memory");
    }

    @Test
    void badTaintFailsStartUpNamingIt() throws IOException {
        assertStartFails("nodes: [ { name: node-a, taints: [ \"gpu=broken:Sometimes\" ] } ]\n", "nodes[0].taints",
                "gpu=broken:Sometimes");
        assertStartFails("nodes: [ { name: node-a, taints: [ \"NoSchedule\" ] } ]\n", "nodes[0].taints");
    }

    @Test
    void otherBadValuesFailStartUp() throws IOException {
        assertStartFails("nodes: [ { name: Node_A } ]\n", "nodes[0].name");
        assertStartFails("nodes: [ { name: a }, { name: a } ]\n", "nodes[1].name", "twice");
        assertStartFails("nodes: [ { name: a } ]\nworkspaces: [ { id: t, nodes: [b] } ]\n", "workspaces[0].nodes", "'b'");
        assertStartFails("workspaces: [ { id: t }, { id: t } ]\n", "workspaces[1].id");
        assertStartFails("cluster: { timeZone: Mars/Olympus }\n", "cluster.timeZone");
        assertStartFails("runtime: { type: docker }\n", "runtime.type", "docker");
    }
}
