package dev.sage.access;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AccessTest {
    private static final Access.Rule ONCALL = new Access.Rule(List.of("C0PAY"), List.of(), List.of("S0ONCALL"),
            Set.of(Access.Action.DIAGNOSE, Access.Action.COMPARE), Map.of("", List.of("payments-*")), List.of(), false);
    private static final Access.Rule ADMINS_IN_DM = new Access.Rule(List.of("dm"), List.of("U0ADMIN"), List.of(),
            Set.of(Access.Action.values()), Map.of("", List.of("*"), "eu-west", List.of("*")), List.of("*"), true);
    private static final Access RULES = new Access(List.of("U0ADMIN", "S0LEADS"), List.of(ONCALL, ADMINS_IN_DM));

    private static final Access.Place PAYMENTS = new Access.Place.Pod("", "payments-eu");

    @Test
    void aMemberOfTheOnCallGroupMayDiagnosePaymentsInTheirChannelOnly() {
        Access.Who oncall = new Access.Who("U1", "C0PAY", Set.of("S0ONCALL"));
        assertThat(RULES.decide(oncall, Access.Action.DIAGNOSE, PAYMENTS).allowed()).isTrue();
        assertThat(RULES.decide(oncall, Access.Action.COMPARE, PAYMENTS).allowed()).isTrue();

        Access.Decision watch = RULES.decide(oncall, Access.Action.WATCH, PAYMENTS);
        assertThat(watch.allowed()).isFalse();
        assertThat(watch.reason()).isEqualTo("You may not watch pods in `payments-eu` in this channel. Here you may diagnose,"
                + " compare: pods in `payments-*` (default context).");
        assertThat(watch.admins()).containsExactly("U0ADMIN", "S0LEADS");

        Access.Decision orders = RULES.decide(oncall, Access.Action.DIAGNOSE, new Access.Place.Pod("", "orders"));
        assertThat(orders.allowed()).as("a namespace no rule lists").isFalse();
        Access.Decision elsewhere = RULES.decide(new Access.Who("U1", "C0OTHER", Set.of("S0ONCALL")), Access.Action.DIAGNOSE, PAYMENTS);
        assertThat(elsewhere.reason()).endsWith("No rule lets you run anything on a target in this channel.");
        assertThat(RULES.decide(new Access.Who("U2", "C0PAY", Set.of()), Access.Action.DIAGNOSE, PAYMENTS).allowed())
                .as("in the channel but not in the group").isFalse();
    }

    @Test
    void anAdminMayDoAnythingInADirectMessageButNotInAChannelNoRuleNames() {
        Access.Who dm = new Access.Who("U0ADMIN", "D0123", Set.of());
        assertThat(RULES.decide(dm, Access.Action.ACT, new Access.Place.Pod("eu-west", "shop")).allowed()).isTrue();
        assertThat(RULES.decide(dm, Access.Action.DIAGNOSE, new Access.Place.HostGroup("batch")).allowed()).isTrue();
        assertThat(RULES.decide(dm, Access.Action.DIAGNOSE, new Access.Place.Pod("us-east", "shop")).allowed())
                .as("a context no rule lists").isFalse();
        assertThat(RULES.decide(new Access.Who("U0ADMIN", "C0RANDOM", Set.of()), Access.Action.DIAGNOSE, PAYMENTS).allowed())
                .isFalse();
    }

    @Test
    void withNoRuleNothingOnATargetIsAllowedButASharedFileMayBeRead() {
        Access.Who anyone = new Access.Who("U1", "C1", Set.of());
        assertThat(Access.NONE.decide(anyone, Access.Action.DIAGNOSE, new Access.Place.Local()).allowed()).isFalse();
        assertThat(Access.NONE.decide(anyone, Access.Action.DIAGNOSE, PAYMENTS).reason())
                .isEqualTo("You may not diagnose pods in `payments-eu` in this channel. No rule lets you run anything on a"
                        + " target in this channel.");
        assertThat(Access.NONE.decide(anyone, Access.Action.ANALYZE, new Access.Place.Files()).allowed()).isTrue();
        assertThat(RULES.decide(anyone, Access.Action.ANALYZE, new Access.Place.Files()).allowed())
                .as("once rules exist, analyze is granted like the rest").isFalse();
    }

    @Test
    void aRuleWithoutAContextCoversTheContextTheConfigurationMakesTheDefaultAndAHostByAddressIsNeverCovered() {
        Access.Who oncall = new Access.Who("U1", "C0PAY", Set.of("S0ONCALL"));
        assertThat(RULES.decide(oncall, Access.Action.DIAGNOSE, new Access.Place.Pod("prod-eu", "payments-eu", true)).allowed()).isTrue();
        assertThat(RULES.decide(oncall, Access.Action.DIAGNOSE, new Access.Place.Pod("prod-eu", "payments-eu", false)).allowed()).isFalse();
        Access.Decision host = RULES.decide(new Access.Who("U0ADMIN", "D1", Set.of()), Access.Action.DIAGNOSE,
                new Access.Place.Host("db-1.internal"));
        assertThat(host.allowed()).isFalse();
        assertThat(host.reason()).startsWith("You may not diagnose `db-1.internal` (hosts are reached through host groups)");
        assertThat(RULES.decide(oncall, Access.Action.DIAGNOSE, new Access.Place.Pod("", "`*` <!channel>")).reason())
                .as("a name cannot close its quotes").contains("`'*' <!channel>`");
    }

    @Test
    void anUnknownNamespaceIsCoveredOnlyByAStar() {
        Access.Who oncall = new Access.Who("U1", "C0PAY", Set.of("S0ONCALL"));
        assertThat(RULES.decide(oncall, Access.Action.DIAGNOSE, new Access.Place.Pod("", "")).allowed()).isFalse();
        assertThat(RULES.decide(new Access.Who("U0ADMIN", "D1", Set.of()), Access.Action.DIAGNOSE,
                new Access.Place.Pod("", "")).allowed()).isTrue();
    }
}
