package dev.sage.audit;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The audit: one JSON object per line, appended to a file and forced to disk before the call returns, so that a
 * command is on record before it runs. A write that fails throws, and the caller does not run what it was about to.
 * The file is opened for each line, so that a rotated file (moved away by logrotate) is followed by a new one.
 * Where replicas share a database, each line is also written there ({@link Mirror}), and a line is on record only
 * once both hold it. Lines are written whole, one at a time: safe to call from several threads.
 */
public final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Mirror mirror;

    /** A second place every line goes: the database replicas share. Called with the file's lock held. */
    @FunctionalInterface
    public interface Mirror {
        /**
         * Keeps {@code line} (its JSON), written at {@code at}, of event {@code event} concerning {@code user}.
         *
         * @throws IOException when it could not be kept
         */
        void append(Instant at, String event, String user, String line) throws IOException;
    }

    private AuditLog(Path file, Mirror mirror) {
        this.file = file;
        this.mirror = mirror;
    }

    /** The audit at {@code file}, checked writable now (its directory is created when absent). */
    public static AuditLog open(Path file) throws IOException {
        return open(file, null);
    }

    /** The audit at {@code file} and in {@code mirror} (null: none). */
    public static AuditLog open(Path file, Mirror mirror) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        try (FileChannel check = channel(file)) {
            check.force(false);
        }
        return new AuditLog(file, mirror);
    }

    private static FileChannel channel(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    public Path file() {
        return file;
    }

    /**
     * Appends one event: {@code time} first, then {@code fields} in order.
     *
     * @throws IOException when it could not be written and forced to disk, or kept by the mirror
     */
    public void append(String event, Map<String, ?> fields) throws IOException {
        Instant now = Instant.now();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", now.toString());
        line.put("event", event);
        line.putAll(fields);
        String json = JSON.writeValueAsString(line);
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try (FileChannel channel = channel(file)) {
                var buffer = java.nio.ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }
            if (mirror != null) {
                Object user = fields.get("user");
                mirror.append(now, event, user == null ? "" : user.toString(), json);
            }
        }
    }
}
