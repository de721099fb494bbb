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
 * Random truncations and mutations of real captures (byte flips, inserted NULs and invalid UTF-8, repeated and
 * interleaved sections) never make a parser throw anything but {@link CaptureFormatException}, never make the reader
 * throw at all, and never hang; a whole thread dump cut anywhere inside its threads is always reported as cut.
 */
class MangledCapturesPropertyTest {
    private static final List<byte[]> SAMPLES = samples();
    private static final byte[] INTERESTING = "\"\n\r\t (<>#:=-0123456789x@[]{},".getBytes(StandardCharsets.US_ASCII);

    private static final List<Function<String, ?>> PARSERS = List.of(
            ThreadDumpParser::parse, ThreadDumpJsonParser::parse, ClassHistogramParser::parse, HeapInfoParser::parse,
            NativeMemoryParser::parse, VmVersionParser::parse, VmFlagsParser::parse, ProcessStatusParser::parse,
            CgroupMemoryParser::parse, UptimeParser::parse, ContentDetector::sections, JcmdErrors::explain);

    @Property(tries = 10_000)
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
            Arbitrary<int[]> splice = Combinators.combine(Arbitraries.integers().between(0, 3),
                    Arbitraries.integers().between(0, SAMPLES.size() - 1), Arbitraries.integers().between(0, 1 << 20),
                    Arbitraries.integers().between(0, 4096)).as((kind, other, from, length) -> new int[] {kind, other, from, length});
            return Combinators.combine(cut, mutations, splice).as((c, ms, sp) -> {
                byte[] b = java.util.Arrays.copyOf(original, c);
                for (int[] m : ms) {
                    if (m[0] < b.length) {
                        b[m[0]] = m[1] < INTERESTING.length ? INTERESTING[m[1]] : (byte) (m[1] - INTERESTING.length);
                    }
                }
                return splice(b, sp);
            });
        });
    }

    /** Nothing, a slice of the input repeated, a slice of another capture interleaved, or NULs inserted. */
    private static byte[] splice(byte[] b, int[] sp) {
        if (sp[0] == 0 || b.length == 0) {
            return b;
        }
        int at = sp[2] % b.length;
        byte[] insert;
        if (sp[0] == 1) {
            insert = java.util.Arrays.copyOfRange(b, at, Math.min(b.length, at + sp[3]));
        } else if (sp[0] == 2) {
            byte[] other = SAMPLES.get(sp[1]);
            int from = other.length == 0 ? 0 : sp[2] % other.length;
            insert = java.util.Arrays.copyOfRange(other, from, Math.min(other.length, from + sp[3]));
        } else {
            insert = new byte[1 + sp[3] % 16];
        }
        byte[] out = new byte[b.length + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at, out, at + insert.length, b.length - at);
        return out;
    }

    /**
     * Whole thread dumps of HotSpot 8 and later (header and end marker; those JDKs always print the marker). Older
     * formats are cut-checked only where the cut shows (a line stopped mid-way, a stack cut at a line end).
     */
    private static final List<String> WHOLE_DUMPS = SAMPLES.stream().map(TextDecoder::decode)
            .filter(t -> t.contains("Full thread dump") && t.contains("JNI global ref") && t.indexOf("\n\"") > 0)
            .filter(t -> java.util.regex.Pattern.compile("Full thread dump .*\\((?:25\\.\\d+-b\\d+|\\d+(?:\\.\\d+)*\\+\\d+)")
                    .matcher(t).find())
            .filter(t -> !ThreadDumpParser.parse(t).truncated())
            .toList();

    @Property(tries = 10_000)
    void aWholeDumpCutAnywhereInsideItsThreadsIsReportedAsCut(@ForAll("cutDumps") String cut) {
        assertThat(ThreadDumpParser.parse(cut).truncated()).as("cut at %d: ...%s", cut.length(),
                cut.substring(Math.max(0, cut.length() - 80))).isTrue();
    }

    @Provide
    Arbitrary<String> cutDumps() {
        return Arbitraries.of(WHOLE_DUMPS).flatMap(dump -> {
            int firstThread = dump.indexOf("\n\"") + 1;
            int endMarker = dump.indexOf("JNI global ref");
            return Arbitraries.integers().between(firstThread + 1, endMarker - 1).map(at -> dump.substring(0, at));
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
