package dev.sage.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns the paths given to {@code sage analyze} into inputs: files as given, directories as their files in
 * name order (hidden files skipped), {@code -} as standard input. Inputs larger than {@link #MAX_BYTES} are
 * refused with a message rather than read.
 */
final class CaptureInputs {
    /** The largest capture read: a 5,000-thread dump is 7 MB; a 256 MiB file is a heap dump or a mistake. */
    static final long MAX_BYTES = 256L << 20;

    /** One input, or the reason it could not be read. */
    record Input(String name, byte[] bytes, String error) {}

    private CaptureInputs() {}

    static List<Input> expand(List<String> paths, InputStream stdin) {
        List<Input> out = new ArrayList<>();
        for (String p : paths) {
            if (p.equals("-")) {
                out.add(readStream("<stdin>", stdin));
                continue;
            }
            Path path = Path.of(p);
            if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> s = Files.walk(path)) {
                    files = s.filter(Files::isRegularFile)
                            .filter(f -> !isHidden(path, f))
                            .sorted()
                            .toList();
                } catch (IOException e) {
                    out.add(new Input(p, null, "cannot list the directory: " + e.getMessage()));
                    continue;
                }
                if (files.isEmpty()) {
                    out.add(new Input(p, null, "the directory holds no files"));
                }
                for (Path f : files) {
                    out.add(readFile(f.toString(), f));
                }
            } else if (Files.isRegularFile(path)) {
                out.add(readFile(p, path));
            } else if (Files.exists(path)) {
                out.add(new Input(p, null, "is not a regular file"));
            } else {
                out.add(new Input(p, null, "no such file or directory"));
            }
        }
        return out;
    }

    private static boolean isHidden(Path root, Path f) {
        for (Path part : root.relativize(f)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static Input readFile(String name, Path f) {
        try {
            long size = Files.size(f);
            if (size > MAX_BYTES) {
                return new Input(name, null, "is " + (size >> 20) + " MiB, larger than the " + (MAX_BYTES >> 20)
                        + " MiB Sage reads (is it a heap dump? Sage reads text captures: jcmd, jstack)");
            }
            return new Input(name, Files.readAllBytes(f), null);
        } catch (IOException e) {
            return new Input(name, null, "cannot be read: " + e.getMessage());
        }
    }

    private static Input readStream(String name, InputStream in) {
        try {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                return new Input(name, null, "is larger than the " + (MAX_BYTES >> 20) + " MiB Sage reads");
            }
            return new Input(name, bytes, null);
        } catch (IOException e) {
            return new Input(name, null, "cannot be read: " + e.getMessage());
        }
    }
}
