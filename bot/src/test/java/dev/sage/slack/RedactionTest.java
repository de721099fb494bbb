package dev.sage.slack;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What Sage sends to Slack never carries a credential, and stack traces stay as they were. */
class RedactionTest {
    @Test
    void credentialsAreRedactedWhereverTheyAppear() {
        assertThat(Redaction.redact("\"fetch token=abc123 user\" #12 daemon")).isEqualTo("\"fetch token=[redacted] user\" #12 daemon");
        assertThat(Redaction.redact("jdbc:postgresql://app:hunter2@db:5432/x")).isEqualTo("jdbc:postgresql://app:[redacted]@db:5432/x");
        assertThat(Redaction.redact("Authorization: Bearer eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.abcdefghijkl"))
                .isEqualTo("Authorization: [redacted]");
        assertThat(Redaction.redact("poller xoxb-123456789012-abcdefghij")).isEqualTo("poller [redacted]");
        assertThat(Redaction.redact("worker access_token: s3cr3t, id=4")).isEqualTo("worker access_token: [redacted], id=4");
        assertThat(Redaction.redact("{\"password\":\"hunter2\",\"user\":\"app\"}")).isEqualTo("{\"password\":\"[redacted]\",\"user\":\"app\"}");
        assertThat(Redaction.redact("client accessToken=abc clientSecret=\"def\"")).isEqualTo("client accessToken=[redacted] clientSecret=\"[redacted]\"");
        assertThat(Redaction.redact("refresh xoxe-1-abcdefghijklmnop")).isEqualTo("refresh [redacted]");
        assertThat(Redaction.redact("k: -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- end"))
                .isEqualTo("k: [redacted] end");
    }

    @Test
    void stackFramesAndClassNamesAreLeftAlone() {
        String frames = """
                \tat com.acme.AuthService.login(AuthService.java:42)
                \tat com.acme.TokenCache.get(TokenCache.java:7)
                \tat com.acme.PasswordEncoder.encode(PasswordEncoder.java:19)
                \t- locked <0x000000071> (a com.acme.SecretStore)
                   java.lang.Thread.State: RUNNABLE
                """;
        assertThat(Redaction.redact(frames)).isEqualTo(frames);
    }

    @Test
    void aLongHostileLineIsRedactedInLinearTime() {
        String hostile = "a_".repeat(50_000) + "=" + "x1.".repeat(50_000) + " password";
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> Redaction.redact(hostile + "\n" + "x".repeat(200_000)));
    }

    @Test
    void aMessageNeverCarriesATokenFromAThreadName() {
        assertThat(Mrkdwn.escape("\"sync token=abc123\" <!here>")).isEqualTo("\"sync token=[redacted]\" &lt;!here&gt;");
    }
}
