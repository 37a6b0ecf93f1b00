package dev.kiln.server;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code --data-dir DIR}, shared by every command that reads Kiln's configuration. */
final class ConfigOptions {
    @Option(names = "--config", description = "YAML configuration file")
    Path config;

    @Option(names = "--data-dir", description = "Data directory (default ./data)")
    String dataDir;

    /** The file's configuration (defaults without one) with the command line's overrides; ConfigException if bad. */
    KilnConfig load(Integer port, String bind) {
        if (config != null && !Files.isRegularFile(config)) {
            throw new KilnConfig.ConfigException("config file " + config + " does not exist");
        }
        return (config == null ? KilnConfig.defaults() : KilnConfig.load(config)).withOverrides(port, bind, dataDir);
    }
}
