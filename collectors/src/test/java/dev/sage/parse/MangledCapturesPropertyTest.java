package dev.sage.parse;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Random truncations and byte mutations of real captures never make a parser throw anything but
 * {@link CaptureFormatException}, never make the reader throw at all, and never hang.
 */
class MangledCapturesPropertyTest {
    private static final List<byte[]> SAMPLES = samples();
    private static final byte[] INTERESTING = "\"\n\r\t (<>#:=-0123456789x@[]{},".getBytes(StandardCharsets.US_ASCII);

    private static final List<Function<String, ?>> PARSERS = List.of(
            ThreadDumpParser::parse, ThreadDumpJsonParser::parse, ClassHistogramParser::parse, HeapInfoParser::parse,
            NativeMemoryParser::parse, VmVersionParser::parse, VmFlagsParser::parse, ProcessStatusParser::parse,
            CgroupMemoryParser::parse, UptimeParser::parse, ContentDetector::sections, JcmdErrors::explain);

    @Property(tries = 300)
    void mangledCapturesFailOnlyWithTheParsersOwnError(@ForAll("mangled") byte[] bytes) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            String text = TextDecoder.decode(bytes);
            for (Function<String, ?> parser : PARSERS) {
                try {
                    parser.apply(text);
                } catch (CaptureFormatException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }
            SnapshotReader reader = new SnapshotReader("mangled");
            reader.add("mangled.txt", bytes); // never throws: what cannot be read becomes a problem
            assertThat(reader.snapshot()).isNotNull();
        });
    }

    @Provide
    Arbitrary<byte[]> mangled() {
        Arbitrary<byte[]> sample = Arbitraries.of(SAMPLES);
        return sample.flatMap(original -> {
            Arbitrary<Integer> cut = Arbitraries.integers().between(0, original.length);
            Arbitrary<List<int[]>> mutations = Combinators.combine(
                    Arbitraries.integers().between(0, Math.max(0, original.length - 1)),
                    Arbitraries.integers().between(0, INTERESTING.length + 255))
                    .as((at, value) -> new int[] {at, value})
                    .list().ofMaxSize(8);
            return Combinators.combine(cut, mutations).as((c, ms) -> {
                byte[] b = java.util.Arrays.copyOf(original, c);
                for (int[] m : ms) {
                    if (m[0] < b.length) {
                        b[m[0]] = m[1] < INTERESTING.length ? INTERESTING[m[1]] : (byte) (m[1] - INTERESTING.length);
                    }
                }
                return b;
            });
        });
    }

    /** The project's own captures, plus the shared corpus's smaller files when it is present. */
    private static List<byte[]> samples() {
        List<byte[]> out = new ArrayList<>();
        try {
            try (Stream<Path> s = Files.walk(Corpus.captures())) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    out.add(Files.readAllBytes(p));
                }
            }
            for (Path p : Corpus.files("public", "local")) {
                if (Files.size(p) < 400_000) {
                    out.add(Files.readAllBytes(p));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }
}
