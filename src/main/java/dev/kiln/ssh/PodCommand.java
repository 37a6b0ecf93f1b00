package dev.kiln.ssh;

import static java.util.Objects.requireNonNull;

import dev.kiln.runtime.PodExec;
import dev.kiln.runtime.PodProcess;
import dev.kiln.service.PodService;
import dev.kiln.workload.KilnException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SSH shell or exec request run in the session's pod: in a PTY when the client asked for one ({@code ssh -t},
 * or an interactive login), else on pipes with stdout and stderr apart. The channel's end kills the command's session.
 */
final class PodCommand implements Command {
    private static final Logger log = LoggerFactory.getLogger(PodCommand.class);

    private final PodService pods;
    private final String commandLine; // null: an interactive shell
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile PodProcess process;

    PodCommand(PodService pods, String commandLine) {
        this.pods = requireNonNull(pods, "pods is null");
        this.commandLine = commandLine;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        PodService.ExecTarget target = channel.getSession().getAttribute(PodSshServer.TARGET);
        if (target == null) {
            fail("no pod for this session");
            return;
        }
        Map<String, String> clientEnv = env.getEnv();
        String term = clientEnv.get(Environment.ENV_TERM);
        PodExec.Terminal terminal = term == null ? null : size(clientEnv);
        String shell = target.shells().contains("bash") ? "bash" : target.shells().isEmpty() ? "sh" : target.shells().get(0);
        List<String> command = commandLine == null ? List.of(shell) : List.of(shell, "-c", commandLine);
        try {
            process = pods.exec(target, command, term == null ? Map.of() : Map.of("TERM", term), terminal);
        } catch (KilnException e) {
            fail(e.getMessage());
            return;
        }
        PodProcess p = process;
        if (terminal != null) {
            env.addSignalListener((ch, signal) -> p.resize(size(env.getEnv())), Signal.WINCH);
        }
        CountDownLatch outputs = new CountDownLatch(terminal == null ? 2 : 1);
        Thread.ofVirtual().name("ssh-in-" + p.pid()).start(() -> copyInput(p, terminal != null));
        Thread.ofVirtual().name("ssh-out-" + p.pid()).start(() -> copy(p.stdout(), out, outputs));
        if (terminal == null) {
            Thread.ofVirtual().name("ssh-err-" + p.pid()).start(() -> copy(p.stderr(), err, outputs));
        }
        p.onExit().whenComplete((code, error) -> {
            try {
                // everything the command wrote reaches the client before the exit status; a background job that
                // still holds the output open gets a moment, then ends with the session (a terminal's hangup)
                outputs.await(2, TimeUnit.SECONDS);
                p.close();
                outputs.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exit.onExit(code == null ? 255 : code);
        });
    }

    private static PodExec.Terminal size(Map<String, String> env) {
        return new PodExec.Terminal(number(env.get(Environment.ENV_COLUMNS), 80), number(env.get(Environment.ENV_LINES), 24));
    }

    private static int number(String text, int fallback) {
        try {
            int n = Integer.parseInt(text);
            return n >= 1 && n <= 10_000 ? n : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * Client to command. On the client's EOF a pipe is closed, so the command sees its end of input; a terminal is
     * left open (closing it would hang up the shell before it has read what was typed).
     */
    private void copyInput(PodProcess p, boolean terminal) {
        byte[] buffer = new byte[8192];
        OutputStream stdin = p.stdin();
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                stdin.write(buffer, 0, n);
                stdin.flush();
            }
            if (!terminal) {
                stdin.close();
            }
        } catch (IOException e) {
            // the command or the channel ended
        }
    }

    private static void copy(InputStream from, OutputStream to, CountDownLatch done) {
        byte[] buffer = new byte[8192];
        try (from) {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // a terminal reports its end as an error; a closed channel too
        } finally {
            done.countDown();
        }
    }

    private void fail(String message) throws IOException {
        err.write((message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        err.flush();
        exit.onExit(1, message);
    }

    @Override
    public void destroy(ChannelSession channel) {
        PodProcess p = process;
        if (p != null) {
            p.close();
            log.debug("ssh command pid {} ended with its channel", p.pid());
        }
    }
}
