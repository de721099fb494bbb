package dev.sage.parse;

import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.Problem;
import dev.sage.snapshot.ThreadDump;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cut-off and foreign input: what is readable is kept, and the rest is explained with the line. */
class DamagedInputTest {

    @Test
    void dumpCutMidLineKeepsEveryThreadBeforeTheCutAndSaysSo() {
        String full = Corpus.capture("jdk17/thread-print-l.txt");
        int holder = full.indexOf("\"monitor-holder\"");
        int cut = full.indexOf("\tat ", holder) + 10; // inside the holder's first frame line
        String text = full.substring(0, cut);
        ThreadDump all = ThreadDumpParser.parse(full);
        int before = indexOf(all, "monitor-holder");

        ThreadDump dump = ThreadDumpParser.parse(text);
        assertThat(dump.truncated()).isTrue();
        assertThat(dump.threads()).hasSize(before + 1);
        assertThat(dump.threads().subList(0, before)).isEqualTo(all.threads().subList(0, before));
        assertThat(dump.threads().get(before).name()).isEqualTo("monitor-holder");

        SnapshotReader reader = new SnapshotReader("cut");
        reader.add("cut.txt", text);
        JvmSnapshot s = reader.snapshot();
        assertThat(s.threadDumps()).hasSize(1);
        assertThat(s.problems()).extracting(Problem::toString)
                .containsExactly("cut.txt:1: the thread dump is cut off: kept the " + (before + 1) + " threads before the cut");
    }

    @Test
    void dumpCutAtALineEndInsideAStackIsTruncatedToo() {
        String full = Corpus.capture("jdk25/thread-print.txt");
        int sleeper = full.indexOf("\"sleeper\"");
        int cut = full.indexOf('\n', full.indexOf("\tat ", sleeper)) + 1; // after the first frame line
        ThreadDump dump = ThreadDumpParser.parse(full.substring(0, cut));
        assertThat(dump.truncated()).isTrue();
        assertThat(dump.threads().get(dump.threads().size() - 1).name()).isEqualTo("sleeper");
        assertThat(dump.threads().get(dump.threads().size() - 1).frames()).hasSize(1);
    }

    @Test
    void completeDumpsAreNotTruncated() {
        for (String f : new String[] {"jdk17/thread-print.txt", "jdk17/thread-print-l.txt", "jdk25/thread-print-l.txt",
                "jdk25/thread-print-l-deadlock.txt", "jdk25/thread-dump-to-file.txt"}) {
            assertThat(ThreadDumpParser.parse(Corpus.capture(f)).truncated()).as(f).isFalse();
        }
    }

    @Test
    void deadlockReportCutBeforeItsSummaryIsTruncatedAndKeepsTheWholeCycles() {
        String full = Corpus.capture("jdk17/thread-print-l-deadlock.txt");
        String text = full.substring(0, full.indexOf("Java stack information for the threads listed above"));
        ThreadDump dump = ThreadDumpParser.parse(text);
        assertThat(dump.truncated()).isTrue();
        assertThat(dump.deadlocks()).hasSize(1);
        assertThat(dump.deadlocks().get(0).links()).hasSize(2);
    }

    @Test
    void histogramWithoutTotalKeepsItsRowsAndSaysItMayBeCut() {
        String full = Corpus.capture("jdk25/class-histogram-all.txt");
        String text = full.substring(0, full.indexOf("\n  40:"));
        SnapshotReader reader = new SnapshotReader("h");
        reader.add("h.txt", text);
        JvmSnapshot s = reader.snapshot();
        assertThat(s.lastHistogram().rows()).hasSize(39);
        assertThat(s.lastHistogram().hasTotalLine()).isFalse();
        assertThat(s.problems()).extracting(Problem::message)
                .containsExactly("the class histogram has no Total line: it may be cut off (kept 39 rows)");
    }

    @Test
    void textThatIsNoCaptureIsNamedWithFileLineAndLine() {
        SnapshotReader reader = new SnapshotReader("x");
        reader.add("notes.txt", "\n\nremember to buy milk\nand eggs\n");
        JvmSnapshot s = reader.snapshot();
        assertThat(s.isEmpty()).isTrue();
        assertThat(s.problems()).hasSize(1);
        Problem p = s.problems().get(0);
        assertThat(p.source()).isEqualTo("notes.txt");
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.message()).startsWith("not a JVM capture Sage can read").endsWith("\"remember to buy milk\"");
    }

    @Test
    void aBrokenHistogramRowIsReportedWithItsLineNumberInTheFile() {
        String text = "some log line\n"
                + " num     #instances         #bytes  class name (module)\n"
                + "-------------------------------------------------------\n"
                + "   1:          many        2442448  [B (java.base@25.0.3)\n";
        SnapshotReader reader = new SnapshotReader("x");
        reader.add("histo.txt", text);
        assertThat(reader.snapshot().problems()).extracting(Problem::toString).containsExactly(
                "histo.txt:4: could not read this class histogram: a histogram row should read"
                        + " '<rank>: <instances> <bytes> <class name>': \"1:          many        2442448  [B (java.base@25.0.3)\"");
    }

    @Test
    void parsersThrowTheirOwnErrorWithLineAndText() {
        assertThatThrownBy(() -> HeapInfoParser.parse("1234:\nhello\n"))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("line 2: not a GC.heap_info output: no heap line found: \"hello\"");
        assertThatThrownBy(() -> ThreadDumpJsonParser.parse("{\"threadDump\": [1, 2,"))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> UptimeParser.parse("42:\nsoon\n"))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("line 2: VM.uptime should read '<seconds> s': \"soon\"");
    }

    @Test
    void crlfAndUtf16AreReadLikeLf() {
        String lf = Corpus.capture("jdk17/thread-print-l.txt");
        String crlf = lf.replace("\n", "\r\n");
        byte[] utf16 = ("\uFEFF" + crlf).getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        ThreadDump a = ThreadDumpParser.parse(lf);
        ThreadDump b = ThreadDumpParser.parse(crlf);
        ThreadDump c = ThreadDumpParser.parse(TextDecoder.decode(utf16));
        assertThat(b).isEqualTo(a);
        assertThat(c).isEqualTo(a);
    }

    @Test
    void latin1DumpWithLocalLanguageHeaderKeepsItsThreads() {
        String lf = Corpus.capture("jdk17/thread-print.txt").replace("\"sleeper\"", "\"schläfer\"");
        byte[] latin1 = lf.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        ThreadDump dump = ThreadDumpParser.parse(TextDecoder.decode(latin1));
        assertThat(dump.threads()).extracting(JvmThread::name).contains("schläfer");
    }

    @Test
    void anExcerptPastedWithoutItsHeaderIsNotCalledCut() {
        String excerpt = "\"worker-1\" #21 prio=5 os_prio=0 tid=0x1 nid=0x2 waiting on condition [0x3]\n"
                + "   java.lang.Thread.State: WAITING (parking)\n"
                + "\tat jdk.internal.misc.Unsafe.park(java.base@17/Native Method)\n";
        SnapshotReader reader = new SnapshotReader("x");
        reader.add("paste", excerpt);
        assertThat(reader.snapshot().lastThreadDump().threads()).hasSize(1);
        assertThat(reader.snapshot().problems()).isEmpty();
    }

    @Test
    void aMultiByteCharacterCutAtTheEndKeepsTheEncoding() {
        byte[] utf8 = "\"schläfer\" #1 prio=5 nid=0x1 runnable\n\tat a.B.c(B.java:1)\n// café".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] cut = java.util.Arrays.copyOf(utf8, utf8.length - 1); // inside the two bytes of é
        assertThat(TextDecoder.decode(cut)).contains("schläfer").endsWith("caf");
    }

    private static int indexOf(ThreadDump dump, String name) {
        for (int i = 0; i < dump.threads().size(); i++) {
            if (dump.threads().get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError(name + " not in dump");
    }

    @Test
    void binaryDataIsRefusedBeforeAnyParserSeesIt() throws Exception {
        byte[] random = new byte[5 << 20];
        new java.util.Random(7).nextBytes(random);
        SnapshotReader r = new SnapshotReader("t");
        r.add("random.bin", random);
        java.nio.file.Path modules = java.nio.file.Path.of(System.getProperty("java.home"), "lib", "modules");
        r.add("modules", java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(modules), 8 << 20));
        JvmSnapshot s = r.snapshot();
        assertThat(s.isEmpty()).as("no thread, no JVM named with binary garbage").isTrue();
        assertThat(s.problems()).extracting(Object::toString).allSatisfy(p -> assertThat(p)
                .contains("is binary data, not the text of a capture"));
        assertThat(s.problems()).hasSize(2);
    }

    @Test
    void aCaptureWithAFewHostileControlCharactersIsStillText() {
        String dump = Corpus.capture("jdk17/thread-print-l.txt").replace("\"main\"", "\"ma\u001b[2Jin\u0000\"");
        SnapshotReader r = new SnapshotReader("t");
        r.add("dump", dump.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.snapshot().lastThreadDump()).isNotNull();
        assertThat(r.snapshot().lastThreadDump().threads()).anySatisfy(t -> assertThat(t.name()).contains("\u001b[2J"));
    }

    @Test
    void aCutAnywhereInAThreadIsSeenWhereverItFalls() {
        String full = Corpus.capture("jdk17/thread-print-l.txt");
        int frame = full.indexOf("\tat ", full.indexOf("\n\"") + 1);
        int state = full.indexOf("java.lang.Thread.State:");
        int ownable = full.indexOf("Locked ownable synchronizers");
        for (int cut : new int[] {frame + 3, state + 20, ownable + 12, full.indexOf('\n', state) + 1}) {
            assertThat(ThreadDumpParser.parse(full.substring(0, cut)).truncated())
                    .as("cut at %d: ...%s", cut, full.substring(Math.max(0, cut - 40), cut)).isTrue();
        }
    }

    @Test
    void theFirstThreeAndAHalfMegabytesOfTheFiveThousandThreadDumpAreCut() throws Exception {
        java.nio.file.Path big = Corpus.root().resolve("perf/thread-print-l-5k-jdk17.txt");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(big), "needs the shared corpus");
        byte[] bytes = java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(big), 3_500_000);
        SnapshotReader r = new SnapshotReader("t");
        r.add("cut", bytes);
        assertThat(r.snapshot().problems()).extracting(Object::toString)
                .anySatisfy(p -> assertThat(p).contains("the thread dump is cut off"));
    }

    @Test
    void aLogLineThatLooksLikeAThreadHeaderAloneIsNotADump() {
        SnapshotReader r = new SnapshotReader("t");
        r.add("app.log", "2026-01-01 10:00:00 INFO request done\n\"GET /api/orders\" tid=42 took 3 ms\n"
                + "2026-01-01 10:00:01 INFO request done\n");
        assertThat(r.snapshot().threadDumps()).isEmpty();
        SnapshotReader excerpt = new SnapshotReader("t");
        excerpt.add("paste", "\"worker\" tid=42\n   java.lang.Thread.State: RUNNABLE\n\tat x.Y.z(Y.java:1)\n");
        assertThat(excerpt.snapshot().threadDumps()).hasSize(1);
    }
}
