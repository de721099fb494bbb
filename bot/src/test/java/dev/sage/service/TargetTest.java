package dev.sage.service;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a person typed as a target, and messages that point at the part that is wrong. */
class TargetTest {
    @Test
    void anIpv6HostIsReadInBracketsWithOrWithoutAPort() {
        assertThat(Target.parse("ssh://deploy@[::1]:2222", false))
                .isEqualTo(new Target.Ssh(Optional.of("deploy"), "::1", OptionalInt.of(2222)));
        assertThat(Target.parse("ssh://[fe80::1]", false)).isEqualTo(new Target.Ssh(Optional.empty(), "fe80::1", OptionalInt.empty()));
    }

    @Test
    void aBrokenIpv6HostIsNamedForWhatItLacks() {
        assertThatThrownBy(() -> Target.parse("ssh://[::1", false)).hasMessage("'[::1' has no closing ']': an IPv6 address is"
                + " written ssh://[::1] or ssh://[::1]:2222");
        assertThatThrownBy(() -> Target.parse("ssh://[::1]x", false)).hasMessage("'x' after the IPv6 address is not ':PORT'");
        assertThatThrownBy(() -> Target.parse("ssh://[::1]:99999", false)).hasMessage("'99999' is not a TCP port (1 to 65535)");
        assertThatThrownBy(() -> Target.parse("http://x", false)).hasMessageStartingWith("'http://' is not a scheme Sage reaches");
    }
}
