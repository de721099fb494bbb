package dev.sage.slack;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What is attached to a reply never carries a credential, and stack traces stay as they were. */
class RawFilesTest {
    @Test
    void credentialsAreRedactedWhereverTheyAppear() {
        assertThat(RawFiles.redact("\"fetch token=abc123 user\" #12 daemon")).isEqualTo("\"fetch token=<redacted> user\" #12 daemon");
        assertThat(RawFiles.redact("jdbc:postgresql://app:hunter2@db:5432/x")).isEqualTo("jdbc:postgresql://app:<redacted>@db:5432/x");
        assertThat(RawFiles.redact("Authorization: Bearer eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.abcdefghijkl"))
                .isEqualTo("Authorization: <redacted>");
        assertThat(RawFiles.redact("poller xoxb-123456789012-abcdefghij")).isEqualTo("poller <redacted>");
        assertThat(RawFiles.redact("worker access_token: s3cr3t, id=4")).isEqualTo("worker access_token: <redacted>, id=4");
    }

    @Test
    void stackFramesAndClassNamesAreLeftAlone() {
        String frames = """
                \tat com.acme.AuthService.login(AuthService.java:42)
                \tat com.acme.TokenCache.get(TokenCache.java:7)
                \t- locked <0x000000071> (a com.acme.SecretStore)
                   java.lang.Thread.State: RUNNABLE
                """;
        assertThat(RawFiles.redact(frames)).isEqualTo(frames);
    }
}
