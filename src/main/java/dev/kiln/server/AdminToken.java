package dev.kiln.server;

import dev.kiln.auth.User;
import dev.kiln.auth.UserService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bound to a non-loopback address, every request needs a token; so that someone can get in, the first start
 * creates an admin user and writes one admin token to {@code <data>/admin.token}, readable by its owner only.
 */
final class AdminToken {
    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    static final String FILE = "admin.token";

    private AdminToken() {}

    static void ensure(UserService users, Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            return;
        }
        User admin = users.ensureUser("admin", User.Role.admin);
        UserService.IssuedToken token = users.issueToken(admin.id(), new UserService.NewToken("admin.token", null));
        try {
            // created 0600 from the start: the token is never readable by others, not even for a moment
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token.token() + "\n", StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        log.info("created user admin; its token is in {} (mode 0600) — send it as 'Authorization: Bearer <token>'", file);
    }
}
