package io.fleetevents.standalone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The development API token of the standalone stack: random, created on first start in {@code <data>/dev-token}
 * (owner-only permissions) and reused afterwards, so a dashboard tab or a {@code tail} keeps working across restarts.
 * The broadcaster only ever sees its SHA-256.
 */
final class DevToken {

    private DevToken() {
    }

    static String loadOrCreate(Path dataDir, String fileName) {
        Path file = dataDir.resolve(fileName);
        try {
            if (Files.exists(file)) {
                String existing = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!existing.isEmpty()) {
                    return existing;
                }
            }
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String token = "fe_dev_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Files.createDirectories(dataDir);
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the file keeps the directory's default permissions
            }
            return token;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or write the token file " + file + ": " + e.getMessage(), e);
        }
    }

    static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
