package dev.sage.cli;

import dev.sage.service.CaptureInput;
import dev.sage.service.MemoryGuard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns the paths given to {@code sage analyze} into inputs: files as given, directories as their files in
 * natural name order ({@code dump-2} before {@code dump-10}; hidden files skipped), {@code -} as standard
 * input. Each input is read only when asked for, so inputs are read one at a time; one larger than the heap can
 * take ({@link MemoryGuard}) is refused with a message rather than read.
 */
final class CaptureInputs {
    private CaptureInputs() {}

    static List<CaptureInput> expand(List<String> paths, InputStream stdin) {
        List<CaptureInput> out = new ArrayList<>();
        for (String p : paths) {
            if (p.equals("-")) {
                out.add(input("<stdin>", () -> {
                    if (stdin == System.in && stdinClosedAtStart()) {
                        throw new IOException("standard input was closed when Sage started (its fd 0 is now "
                                + Files.readSymbolicLink(Path.of("/proc/self/fd/0")) + "): pipe a capture in, or give a file");
                    }
                    long max = MemoryGuard.maxInputBytes();
                    byte[] bytes = stdin.readNBytes((int) max + 1);
                    if (bytes.length > max) {
                        throw new IOException(MemoryGuard.streamRefusal(max));
                    }
                    return bytes;
                }));
                continue;
            }
            Path path = Path.of(p);
            if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> s = Files.walk(path)) {
                    files = s.filter(Files::isRegularFile).filter(f -> !isHidden(path, f))
                            .sorted(Comparator.comparing(f -> path.relativize(f).toString(), CaptureInputs::natural))
                            .toList();
                } catch (IOException | UncheckedIOException e) {
                    String why = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
                    out.add(failed(p, "cannot list the directory: " + why));
                    continue;
                }
                if (files.isEmpty()) {
                    out.add(failed(p, "the directory holds no files"));
                }
                for (Path f : files) {
                    out.add(file(f.toString(), f));
                }
            } else if (Files.isRegularFile(path)) {
                out.add(file(p, path));
            } else if (Files.exists(path)) {
                out.add(failed(p, "is not a regular file"));
            } else {
                out.add(failed(p, "no such file or directory"));
            }
        }
        return out;
    }

    /** Compares names with their digit runs as numbers: {@code dump-2} before {@code dump-10}. */
    static int natural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) i++;
                while (j < b.length() && Character.isDigit(b.charAt(j))) j++;
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static boolean isHidden(Path root, Path f) {
        for (Path part : root.relativize(f)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether fd 0 was closed when the JVM started, so that the first file the JVM opened took its place: the JDK's own
     * files or Sage's jar are never what a person piped in.
     */
    private static boolean stdinClosedAtStart() {
        try {
            Path fd0 = Files.readSymbolicLink(Path.of("/proc/self/fd/0"));
            Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
            Path jar = Path.of(CaptureInputs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return fd0.startsWith(javaHome) || fd0.equals(jar) || fd0.toString().endsWith(".jar");
        } catch (IOException | java.net.URISyntaxException | UnsupportedOperationException | SecurityException e) {
            return false; // not Linux, or no /proc: read it as it is
        }
    }

    private interface Reader {
        byte[] read() throws IOException;
    }

    private static CaptureInput input(String name, Reader reader) {
        return new CaptureInput() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public byte[] read() throws IOException {
                return reader.read();
            }
        };
    }

    private static CaptureInput failed(String name, String why) {
        return input(name, () -> {
            throw new IOException(why);
        });
    }

    private static CaptureInput file(String name, Path f) {
        return input(name, () -> {
            long size;
            try {
                size = Files.size(f);
            } catch (IOException e) {
                throw new IOException("cannot be read: " + e.getMessage(), e);
            }
            String tooLarge = MemoryGuard.refusal(size);
            if (tooLarge != null) {
                throw new IOException(tooLarge);
            }
            try {
                return Files.readAllBytes(f);
            } catch (IOException e) {
                throw new IOException("cannot be read: " + e.getMessage(), e);
            }
        });
    }
}
