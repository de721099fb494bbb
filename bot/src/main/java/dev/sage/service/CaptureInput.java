package dev.sage.service;

import java.io.IOException;

/** One captured output to analyse: a file, standard input, a file shared in chat. Read only when asked for. */
public interface CaptureInput {
    /** For messages and the report: a path, {@code <stdin>}, a shared file's name. */
    String name();

    /** The bytes; throws {@link IOException} with a message for the user when they cannot be read. */
    byte[] read() throws IOException;

    /** Bytes already in hand. */
    static CaptureInput of(String name, byte[] bytes) {
        return new CaptureInput() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public byte[] read() {
                return bytes;
            }
        };
    }
}
