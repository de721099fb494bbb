package dev.sage.parse;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared corpus of real captures beside the checkout ({@code ../shared/corpus}, or {@code -Dsage.corpus}).
 * Tests that need it are skipped, not failed, when it is absent; captures taken for this project live under
 * {@code src/test/resources/captures} and are always there.
 */
final class Corpus {
    private Corpus() {}

    static Path root() {
        String configured = System.getProperty("sage.corpus");
        Path p = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "corpus");
        return p.toAbsolutePath().normalize();
    }

    static boolean present() {
        return Files.isDirectory(root().resolve("public"));
    }

    /** A corpus file; skips the calling test when the corpus is absent. */
    static Path file(String relative) {
        Path p = root().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(p), "corpus file absent: " + p);
        return p;
    }

    static String text(String relative) {
        return TextDecoder.decode(bytes(file(relative)));
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every capture file of the given corpus folders (README and SOURCES files excluded), sorted by name. */
    static List<Path> files(String... folders) {
        if (!present()) {
            return List.of();
        }
        return Stream.of(folders).flatMap(f -> {
            try (Stream<Path> s = Files.list(root().resolve(f))) {
                return s.filter(Files::isRegularFile).filter(x -> !x.getFileName().toString().endsWith(".md"))
                        .sorted().toList().stream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    /** A capture taken for this project, from {@code src/test/resources/captures}. */
    static String capture(String relative) {
        Path p = captures().resolve(relative);
        try {
            return TextDecoder.decode(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path captures() {
        return Path.of("src", "test", "resources", "captures").toAbsolutePath();
    }
}
