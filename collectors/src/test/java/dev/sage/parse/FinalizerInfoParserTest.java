package dev.sage.parse;

import dev.sage.snapshot.FinalizerQueue;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FinalizerInfoParserTest {
    @Test
    void theThreeAnswersOfGcFinalizerInfoAreReadAndDetected() {
        String queued = """
                25544:
                Unreachable instances waiting for finalization
                #instances  class name
                -----------------------
                        12  java.util.zip.Inflater
                    199999  dev.example.Finalizable
                """;
        assertThat(ContentDetector.detect(queued)).isEqualTo(Kind.FINALIZER_INFO);
        FinalizerQueue q = FinalizerInfoParser.parse(queued);
        assertThat(q.total()).isEqualTo(200_011);
        assertThat(q.byClass()).containsExactly(Map.entry("dev.example.Finalizable", 199_999L), Map.entry("java.util.zip.Inflater", 12L));

        String none = "25546:\nNo instances waiting for finalization found\n";
        assertThat(ContentDetector.detect(none)).isEqualTo(Kind.FINALIZER_INFO);
        assertThat(FinalizerInfoParser.parse(none).total()).isZero();

        String disabled = "Finalization is disabled\n";
        assertThat(ContentDetector.detect(disabled)).isEqualTo(Kind.FINALIZER_INFO);
        assertThat(FinalizerInfoParser.parse(disabled).disabled()).isTrue();

        assertThatThrownBy(() -> FinalizerInfoParser.parse("something else\n")).isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("not a GC.finalizer_info answer");
    }
}
