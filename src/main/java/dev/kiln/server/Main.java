package dev.kiln.server;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: {@code kiln server [--config FILE] [--port N] [--bind ADDR] [--data-dir DIR]}. */
@Command(name = "kiln", mixinStandardHelpOptions = true, version = Kiln.VERSION,
        description = "Kiln: a workload platform for AI clusters.",
        subcommands = {Main.ServerCommand.class, UserCommand.class})
public final class Main implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Command(name = "server", mixinStandardHelpOptions = true, description = "Start the Kiln server.")
    static final class ServerCommand implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ConfigOptions options = new ConfigOptions();

        @Option(names = "--port", description = "HTTP port (default 8080)")
        Integer port;

        @Option(names = "--bind", description = "Address to listen on (default 127.0.0.1)")
        String bind;

        @Override
        public Integer call() throws InterruptedException {
            KilnConfig cfg;
            try {
                cfg = options.load(port, bind);
            } catch (KilnConfig.ConfigException e) {
                System.err.println("kiln: " + e.getMessage());
                return 2;
            }
            Kiln kiln;
            try {
                kiln = Kiln.start(cfg, Clock.systemUTC());
            } catch (KilnConfig.ConfigException e) {
                System.err.println("kiln: " + e.getMessage());
                return 2;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kiln.close();
                stopped.countDown();
            }, "kiln-shutdown"));
            log.info("Kiln {} ready at {} (embedded, data {})", Kiln.VERSION, kiln.url(),
                    Path.of(cfg.dataDir()).toAbsolutePath().normalize());
            stopped.await();
            return 0;
        }
    }
}
