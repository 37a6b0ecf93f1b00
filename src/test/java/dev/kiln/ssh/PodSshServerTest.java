package dev.kiln.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.TestKiln;
import dev.kiln.api.ApiClient;
import dev.kiln.api.CreateBody;
import dev.kiln.server.Kiln;
import dev.kiln.server.KilnConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSH into pods with the real OpenSSH client: exec, an interactive PTY, SFTP and SCP, key and token logins. */
class PodSshServerTest {
    @TempDir
    static Path dataDir;

    @TempDir
    static Path client;

    static Kiln kiln;
    static int sshPort;
    static String adminToken;
    static String aliceId;
    static String aliceToken;
    static String bobToken;
    static String bobId;
    static ApiClient alice;
    static String workloadId;
    static String podId;
    static Path key;

    @BeforeAll
    static void start() throws Exception {
        KilnConfig config = TestKiln.runningConfig(dataDir).withOverrides(0, "0.0.0.0", dataDir.toString())
                .withSsh(new KilnConfig.Ssh(true, 0, null));
        kiln = Kiln.start(config, Clock.systemUTC());
        sshPort = kiln.sshPort().orElseThrow();
        String url = "http://127.0.0.1:" + kiln.port();
        adminToken = Files.readString(dataDir.resolve("admin.token")).strip();
        ApiClient admin = new ApiClient(url, adminToken);
        aliceId = admin.post("/api/v1/users", Map.of("userName", "alice", "workspaces", List.of("team-a"))).json().path("userId").asText();
        aliceToken = admin.post("/api/v1/users/" + aliceId + "/tokens", Map.of()).json().path("token").asText();
        bobId = admin.post("/api/v1/users", Map.of("userName", "bob")).json().path("userId").asText();
        bobToken = admin.post("/api/v1/users/" + bobId + "/tokens", Map.of()).json().path("token").asText();
        alice = new ApiClient(url, aliceToken);

        workloadId = alice.create(CreateBody.authoring("ssh box").workspace("team-a")
                .set("entryPoint", CreateBody.base64("sleep infinity")).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode w = alice.getWorkload(workloadId);
        while (w.path("pods").isEmpty() || !w.path("pods").get(0).path("phase").asText().equals("Running")) {
            assertThat(System.nanoTime()).as("not running: %s", w).isLessThan(deadline);
            Thread.sleep(100);
            w = alice.getWorkload(workloadId);
        }
        podId = w.path("pods").get(0).path("podId").asText();

        // alice registers her own key
        key = client.resolve("id_ecdsa");
        assertThat(run(List.of("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "alice@test", "-f", key.toString()), "", Map.of()).code())
                .isZero();
        ApiClient.Response r = alice.post("/api/v1/users/" + aliceId + "/keys",
                Map.of("publicKey", Files.readString(client.resolve("id_ecdsa.pub")).strip()));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("fingerprint").asText()).startsWith("SHA256:");
    }

    @AfterAll
    static void stop() {
        if (kiln != null) {
            kiln.close();
        }
    }

    @Test
    void execRunsInThePodWithItsEnvironment() {
        Result r = ssh(keyAuth(), podId, List.of("echo \"id=$WORKLOAD_ID pwd=$(pwd).\""), "");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("id=" + workloadId + " pwd=").contains("/pods/" + workloadId + "/1/" + podId + "/work.");
    }

    @Test
    void execKeepsStdoutStderrStdinAndTheExitCode() {
        Result r = ssh(keyAuth(), podId, List.of("read line; echo \"out:$line\"; echo err >&2; exit 7"), "hello\n");
        assertThat(r.code()).as(r.toString()).isEqualTo(7);
        assertThat(r.out()).contains("out:hello").doesNotContain("err");
        assertThat(r.err()).contains("err");
    }

    @Test
    void interactiveSessionHasAPty() {
        List<String> options = new ArrayList<>(keyAuth());
        options.add("-tt");
        Result r = ssh(options, podId, List.of(), "echo \"tty=$(tty) term=$TERM.\"\nexit\n");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("tty=/dev/pts/[0-9]+ term=\\S+\\.");
    }

    @Test
    void sftpAndScpCopyIntoThePodsWorkingDirectory() throws Exception {
        Path local = client.resolve("data.txt");
        Files.writeString(local, "payload\n");
        Path work = dataDir.resolve("pods").resolve(workloadId).resolve("1").resolve(podId).resolve("work");

        Path batch = client.resolve("batch");
        Files.writeString(batch, "put " + local + " via-sftp.txt\nls\n");
        List<String> sftp = new ArrayList<>(List.of("sftp", "-b", batch.toString(), "-P", Integer.toString(sshPort)));
        sftp.addAll(commonOptions());
        sftp.addAll(List.of("-i", key.toString(), podId + "@127.0.0.1"));
        Result r = run(sftp, "", Map.of());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(work.resolve("via-sftp.txt")).hasContent("payload");

        for (String mode : List.of("-s", "-O")) { // SFTP-based scp (OpenSSH 9 default) and the legacy SCP protocol
            String name = "via-scp" + mode + ".txt";
            List<String> scp = new ArrayList<>(List.of("scp", mode, "-P", Integer.toString(sshPort)));
            scp.addAll(commonOptions());
            scp.addAll(List.of("-i", key.toString(), local.toString(), podId + "@127.0.0.1:" + name));
            r = run(scp, "", Map.of());
            assertThat(r.code()).as("scp %s: %s", mode, r).isZero();
            assertThat(work.resolve(name)).hasContent("payload");
        }
        // the pod sees the files where it runs
        assertThat(ssh(keyAuth(), podId, List.of("cat via-sftp.txt"), "").out()).contains("payload");
    }

    @Test
    void aTokenIsAPassword() throws IOException {
        Result r = ssh(passwordAuth(aliceToken), podId, List.of("echo \"user=$USER_ID.\""), "");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("user=" + aliceId + ".");
    }

    @Test
    void refusals() throws IOException {
        // a wrong token
        Result r = ssh(passwordAuth("kiln_wrong"), podId, List.of("true"), "");
        assertThat(r.code()).as(r.toString()).isEqualTo(255);
        assertThat(r.err()).contains("Permission denied");
        // a valid token of a user who may not read the workload
        r = ssh(passwordAuth(bobToken), podId, List.of("true"), "");
        assertThat(r.code()).as(r.toString()).isEqualTo(255);
        // an unknown pod and an unknown container
        assertThat(ssh(keyAuth(), workloadId + "-9", List.of("true"), "").code()).isEqualTo(255);
        assertThat(ssh(keyAuth(), podId + ".sidecar", List.of("true"), "").code()).isEqualTo(255);
        // the main container by name is fine
        assertThat(ssh(keyAuth(), podId + ".main", List.of("true"), "").code()).isZero();
    }

    @Test
    void workloadShowsTheSshCommand() {
        JsonNode pod = alice.getWorkload(workloadId).path("pods").get(0);
        assertThat(pod.path("sshAddr").asText()).startsWith("ssh -p " + sshPort + " " + podId + "@");
    }

    @Test
    void keysAreManagedByTheirUserOrAnAdmin() {
        ApiClient bob = new ApiClient("http://127.0.0.1:" + kiln.port(), bobToken);
        assertThat(bob.get("/api/v1/users/" + aliceId + "/keys").status()).isEqualTo(403);
        JsonNode keys = alice.get("/api/v1/users/" + aliceId + "/keys").json().path("items");
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).path("type").asText()).isEqualTo("ecdsa-sha2-nistp256");
        // a key names one user: bob cannot claim alice's
        ApiClient.Response r = bob.post("/api/v1/users/" + bobId + "/keys",
                Map.of("publicKey", keys.get(0).path("publicKey").asText()));
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        ApiClient.Response bad = alice.post("/api/v1/users/" + aliceId + "/keys", Map.of("publicKey", "ecdsa-sha2-nistp256 not-base64!"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorFields()).containsExactly("publicKey");
    }

    @Test
    void aTakenPortFailsStartUpOnlyWhenItWasConfigured(@TempDir Path other) throws IOException {
        KilnConfig taken = TestKiln.runningConfig(other).withSsh(new KilnConfig.Ssh(true, sshPort, null));
        assertThatThrownBy(() -> Kiln.start(taken, Clock.systemUTC()).close())
                .isInstanceOf(KilnConfig.ConfigException.class)
                .hasMessageContaining("ssh.port");
        // the default port, taken: SSH is off and the rest runs (loopback, where SSH is on by default)
        try (ServerSocket blocker = occupy(KilnConfig.DEFAULT_SSH_PORT); Kiln k = Kiln.start(TestKiln.runningConfig(other), Clock.systemUTC())) {
            assertThat(k.sshPort()).isEmpty();
        }
    }

    /** Holds the port unless someone else already does (either way it is taken). */
    private static ServerSocket occupy(int port) throws IOException {
        try {
            return new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress());
        } catch (java.net.BindException e) {
            return new ServerSocket(0);
        }
    }

    private static List<String> commonOptions() {
        return List.of("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=10", "-F", "/dev/null");
    }

    private static List<String> keyAuth() {
        return List.of("-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "PreferredAuthentications=publickey");
    }

    /** Password login without a terminal: OpenSSH asks SSH_ASKPASS, here a script that prints the token. */
    private static List<String> passwordAuth(String token) throws IOException {
        Path askpass = Files.createTempFile(client, "askpass", ".sh",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(askpass, "#!/bin/sh\necho '" + token + "'\n");
        return List.of("-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
                "-o", "NumberOfPasswordPrompts=1", "ASKPASS=" + askpass);
    }

    record Result(int code, String out, String err) {}

    private static Result ssh(List<String> options, String user, List<String> command, String stdin) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", Integer.toString(sshPort)));
        cmd.addAll(commonOptions());
        Map<String, String> env = Map.of();
        for (String o : options) {
            if (o.startsWith("ASKPASS=")) {
                env = Map.of("SSH_ASKPASS", o.substring(8), "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", ":0");
            } else {
                cmd.add(o);
            }
        }
        cmd.add(user + "@127.0.0.1");
        cmd.addAll(command);
        return run(cmd, stdin, env);
    }

    private static Result run(List<String> command, String stdin, Map<String, String> env) {
        try {
            ProcessBuilder b = new ProcessBuilder(command);
            b.environment().putAll(env);
            Path out = Files.createTempFile(client, "out", ".txt");
            Path err = Files.createTempFile(client, "err", ".txt");
            b.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = b.start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in 60s; output: " + Files.readString(out) + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
