package dev.sage.transport;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"payments-7d9f8-x2kq", "web-0", "a", "x.y-z.1"})
    void realPodNamesPass(String name) {
        assertThat(Names.pod(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Payments", "-web", "web-", "web;reboot", "$(id)", "web pod", "a/b", "..", "web\nx"})
    void hostilePodNamesAreRefusedWithTheRule(String name) {
        assertThatThrownBy(() -> Names.pod(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a pod name: lower-case letters");
    }

    @Test
    void namespacesContainersHostsAndUsers() {
        assertThat(Names.namespace("prod")).isEqualTo("prod");
        assertThatThrownBy(() -> Names.namespace("prod.eu")).hasMessageContaining("not a namespace");
        assertThatThrownBy(() -> Names.container("x".repeat(64))).hasMessageContaining("at most 63");
        assertThat(Names.host("db-1.Example.internal")).isEqualTo("db-1.Example.internal");
        assertThat(Names.host("10.0.0.7")).isEqualTo("10.0.0.7");
        assertThatThrownBy(() -> Names.host("host;rm -rf /")).hasMessageContaining("not a host name");
        assertThat(Names.user("app_svc")).isEqualTo("app_svc");
        assertThatThrownBy(() -> Names.user("root\u0000")).hasMessage("'root\\u0000' is not a user name: letters, digits,"
                + " '_', '.' and '-', starting with a letter or '_'");
    }
}
