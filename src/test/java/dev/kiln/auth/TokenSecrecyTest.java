package dev.kiln.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token secrets are kept only as hashes: not in any file of the data dir (admin.token aside), not in the log. */
class TokenSecrecyTest {
    @TempDir
    Path dir;

    @Test
    void tokensAreNeverStoredOrLoggedInClear() throws IOException {
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new Tee(err, log), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(out, log), true, StandardCharsets.UTF_8));
        String admin;
        String secret;
        try (KilnHarness kiln = KilnHarness.remote(dir, Clock.systemUTC())) {
            admin = kiln.adminToken();
            String userId = kiln.addUser(admin, "carol", "user");
            Map<String, Object> issued = kiln.issue(admin, userId, 3600L);
            secret = (String) issued.get("token");
            assertThat(secret).startsWith("kiln_").hasSizeGreaterThanOrEqualTo(5 + 43);
            // use it: reads, writes, a refusal (its message lands in the audit detail) and a 404
            kiln.ok("GET", "/api/v1/workspaces", secret, null);
            String id = kiln.create(secret, "secret-job", "default");
            kiln.ok("PATCH", "/api/v1/workloads/" + id, secret, Map.of("description", "x"));
            assertThat(kiln.call("GET", "/api/v1/users", secret, null).status()).isEqualTo(403);
            assertThat(kiln.call("POST", "/api/v1/users", secret, Map.of("userName", "mallory")).status()).isEqualTo(403);
            assertThat(kiln.call("DELETE", "/api/v1/workloads/nope", secret, null).status()).isEqualTo(404);
            // the token list never shows secrets
            assertThat(kiln.ok("GET", "/api/v1/users/" + userId + "/tokens", admin, null).body()).doesNotContain(secret);
            kiln.ok("GET", "/api/v1/audit?limit=1000", admin, null);
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        String logText = log.toString(StandardCharsets.UTF_8);
        assertThat(logText).as("the capture works").contains("admin.token");
        assertThat(logText).doesNotContain(secret).doesNotContain(admin);

        Path adminFile = dir.resolve("admin.token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(adminFile))).isEqualTo("rw-------");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !p.equals(adminFile)).toList();
        }
        assertThat(files).anyMatch(p -> p.getFileName().toString().endsWith(".mv.db"));
        List<String> leaks = new ArrayList<>();
        boolean hashSeen = false;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            for (String s : List.of(secret, admin)) {
                if (indexOf(bytes, s.getBytes(StandardCharsets.UTF_8)) >= 0) {
                    leaks.add(dir.relativize(file) + " holds " + (s.equals(admin) ? "the admin token" : "the issued token"));
                }
            }
            hashSeen |= indexOf(bytes, Tokens.hash(secret).getBytes(StandardCharsets.UTF_8)) >= 0;
        }
        assertThat(leaks).isEmpty();
        assertThat(hashSeen).as("the database does hold the hash (so the search reads it)").isTrue();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
        }
    }
}
