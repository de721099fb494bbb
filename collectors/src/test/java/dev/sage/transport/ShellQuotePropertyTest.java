package dev.sage.transport;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile arguments quoted by {@link ShellQuote} reach a real POSIX shell as exactly themselves, and never run
 * anything: 200 tries of 50 strings each, 10,000 in all, every one meant to create a marker file if the shell
 * interpreted it.
 */
class ShellQuotePropertyTest {
    private static final List<String> HOSTILE = List.of(";", "&&", "||", "|", "&", "$(", ")", "`", "'", "\"", "\\", "\n",
            "\r", "\t", " ", "$", "${", "}", "*", "?", "[", "]", "~", "#", "!", "<", ">", ">>", "=", "%", "é", "日本",
            "\u202e", "\u0007", "-e", "--", "$IFS", "$HOME");

    @Property(tries = 200)
    void quotedArgumentsArriveAsThemselvesAndRunNothing(@ForAll("hostileBatch") List<String> args) throws Exception {
        Path dir = Files.createTempDirectory("quote");
        Path marker = dir.resolve("MARKER");
        List<String> withMarker = new ArrayList<>();
        for (String a : args) {
            withMarker.add(a.replace("@M", marker.toString()));
        }
        // printf writes each argument back, NUL-terminated: the shell must pass every one unchanged
        String script = "printf '%s\\0' " + String.join(" ", withMarker.stream().map(ShellQuote::quote).toList());
        ExecResult r = new LocalTransport().exec(List.of("sh", "-c", script), new byte[0], Duration.ofSeconds(20), 16 << 20);
        assertThat(r.exitCode()).isZero();
        String[] back = new String(r.stdout(), StandardCharsets.UTF_8).split("\0", -1);
        assertThat(List.of(back).subList(0, back.length - 1)).containsExactlyElementsOf(withMarker);
        assertThat(marker).doesNotExist();
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).isEmpty();
        }
        Files.delete(dir);
    }

    @Provide
    Arbitrary<List<String>> hostileBatch() {
        Arbitrary<String> fragment = Arbitraries.oneOf(Arbitraries.of(HOSTILE),
                Arbitraries.of("touch @M", "$(touch @M)", "`touch @M`", "; touch @M", "' ; touch @M ; '",
                        "\" ; touch @M ; \"", "$(printf x > @M)", "\ntouch @M\n"),
                Arbitraries.strings().ofMinLength(0).ofMaxLength(6).withCharRange('!', '~'),
                Arbitraries.strings().ofMaxLength(3).withCharRange('\u0001', '\u001f'));
        Arbitrary<String> arg = fragment.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("", l));
        return arg.list().ofSize(50);
    }

    @Property(tries = 50)
    void nulIsRefusedNotCarried(@ForAll("withNul") String s) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ShellQuote.quote(s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    }

    @Provide
    Arbitrary<String> withNul() {
        return Combinators.combine(Arbitraries.strings().ofMaxLength(5), Arbitraries.strings().ofMaxLength(5))
                .as((a, b) -> a + "\0" + b);
    }
}
