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
 * Lines are written whole, one at a time: safe to call from several threads.
 */
public final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    private AuditLog(Path file) {
        this.file = file;
    }

    /** The audit at {@code file}, checked writable now (its directory is created when absent). */
    public static AuditLog open(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        try (FileChannel check = channel(file)) {
            check.force(false);
        }
        return new AuditLog(file);
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
     * @throws IOException when it could not be written and forced to disk
     */
    public void append(String event, Map<String, ?> fields) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("event", event);
        line.putAll(fields);
        byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try (FileChannel channel = channel(file)) {
                var buffer = java.nio.ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }
        }
    }
}
