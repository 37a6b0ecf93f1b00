package dev.kiln.ssh;

import static java.util.Objects.requireNonNull;

import dev.kiln.auth.Authenticator;
import dev.kiln.auth.Caller;
import dev.kiln.service.PodService;
import dev.kiln.service.WorkloadService;
import dev.kiln.workload.KilnException;
import dev.kiln.workload.Workload;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.file.root.RootedFileSystemProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.scp.server.ScpCommandFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SSH into pods (docs/SHELL.md): {@code ssh -p PORT <podId>[.<container>]@host}. The SSH user name names the pod;
 * the Kiln user is whoever the password (a Kiln token) or the public key (registered on a user) belongs to, and
 * must be allowed to read the pod's workload, as for its logs. Shells, exec, SFTP and SCP run in the pod: files are
 * seen rooted at the pod's working directory.
 */
public final class PodSshServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodSshServer.class);

    /** The pod a session logged in to, set once authentication succeeds. */
    static final AttributeRepository.AttributeKey<PodService.ExecTarget> TARGET = new AttributeRepository.AttributeKey<>();

    private static final Pattern LOGIN = Pattern.compile("([a-z0-9-]{1,253})(?:\\.([a-z0-9-]{1,63}))?");

    public record Settings(String bind, int port, Path hostKey) {}

    private final SshServer sshd;
    private final Authenticator authenticator;
    private final WorkloadService workloads;
    private final PodService pods;

    private PodSshServer(SshServer sshd, Authenticator authenticator, WorkloadService workloads, PodService pods) {
        this.sshd = sshd;
        this.authenticator = authenticator;
        this.workloads = workloads;
        this.pods = pods;
    }

    public static PodSshServer start(Settings settings, Authenticator authenticator, WorkloadService workloads, PodService pods)
            throws IOException {
        requireNonNull(settings, "settings is null");
        SshServer sshd = SshServer.setUpDefaultServer();
        PodSshServer server = new PodSshServer(sshd, requireNonNull(authenticator, "authenticator is null"),
                requireNonNull(workloads, "workloads is null"), requireNonNull(pods, "pods is null"));
        sshd.setHost(settings.bind());
        sshd.setPort(settings.port());
        sshd.setKeyPairProvider(hostKeys(settings.hostKey()));
        sshd.setPasswordAuthenticator((user, password, session) -> server.login(user, authenticator.verify(password), session));
        sshd.setPublickeyAuthenticator((user, key, session) ->
                server.login(user, authenticator.verifyKey(KeyUtils.getFingerPrint(BuiltinDigests.sha256, key)), session));
        sshd.setShellFactory(channel -> new PodCommand(pods, null));
        sshd.setCommandFactory(new ScpCommandFactory.Builder()
                .withDelegate((channel, command) -> new PodCommand(pods, command))
                .build());
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory.Builder().build()));
        sshd.setFileSystemFactory(server.new PodFileSystems());
        sshd.start();
        log.info("SSH into pods on {}:{} (ssh -p {} <podId>@host)", settings.bind(), sshd.getPort(), sshd.getPort());
        return server;
    }

    /** The host key, generated on first start and kept (mode 0600 from the start) so clients can pin it. */
    private static SimpleGeneratorHostKeyProvider hostKeys(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(file) {
            @Override
            protected void writeKeyPair(KeyPair keys, Path path) throws IOException, GeneralSecurityException {
                Files.deleteIfExists(path);
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (OutputStream out = Files.newOutputStream(path)) {
                    doWriteKeyPair(NamedResource.ofName(path.toString()), keys, out);
                }
            }
        };
        provider.setAlgorithm(KeyUtils.EC_ALGORITHM);
        provider.setKeySize(256);
        provider.loadKeys(null); // generates and writes it now, not on the first connection
        return provider;
    }

    public int port() {
        return sshd.getPort();
    }

    /**
     * A login succeeds when the credential names a user who may read the pod's workload and the pod is running.
     * Every refusal looks the same to the client (no hint whether the pod exists); the log says why.
     */
    private boolean login(String user, Optional<Caller> caller, ServerSession session) {
        Matcher m = LOGIN.matcher(user == null ? "" : user);
        if (caller.isEmpty() || !m.matches()) {
            log.info("SSH login as '{}' from {} refused: {}", user, session.getClientAddress(),
                    caller.isEmpty() ? "unknown, revoked or expired credential" : "the user name is not <podId>[.<container>]");
            return false;
        }
        String podId = m.group(1);
        try {
            String workloadId = pods.workloadOfPod(podId).orElseThrow(() -> KilnException.NotFound.pod("?", podId));
            Workload w = workloads.get(caller.get(), workloadId);
            PodService.ExecTarget target = pods.execTarget(w, podId, m.group(2));
            session.setAttribute(TARGET, target);
            log.info("SSH login by {} into pod {} from {}", caller.get().userName(), target.key(), session.getClientAddress());
            return true;
        } catch (KilnException e) {
            log.info("SSH login by {} into '{}' refused: {}", caller.get().userName(), user, e.getMessage());
            return false;
        }
    }

    /** Each session sees the file system rooted at its pod's working directory (SFTP and SCP). */
    private final class PodFileSystems implements FileSystemFactory {
        @Override
        public Path getUserHomeDir(SessionContext session) throws IOException {
            return workingDirectory(session);
        }

        @Override
        public FileSystem createFileSystem(SessionContext session) throws IOException {
            return new RootedFileSystemProvider().newFileSystem(workingDirectory(session), Map.of());
        }

        private Path workingDirectory(SessionContext session) throws IOException {
            PodService.ExecTarget target = session.getAttribute(TARGET);
            if (target == null) {
                throw new IOException("the session has no pod");
            }
            return pods.workingDirectory(target)
                    .orElseThrow(() -> new IOException("pod " + target.key().podId() + " has no working directory on this host"));
        }
    }

    @Override
    public void close() {
        try {
            sshd.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the SSH server", e);
        }
    }
}
