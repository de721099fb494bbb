package dev.sage.slack;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What people type to Sage, read as they mean it. */
class ConversationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", value = {
        "<@U1> diagnose payments-7d9f8-x2kq -n prod            => payments-7d9f8-x2kq => prod",
        "<@U1> payments-7d9f8-x2kq in prod                     => payments-7d9f8-x2kq => prod",
        "<@U1> what's wrong with payments-7d9f8-x2kq in prod?  => payments-7d9f8-x2kq => prod",
        "<@U1> What’s wrong with payments-7d9f8-x2kq?          => payments-7d9f8-x2kq => ",
        "<@U1> check prod/payments-7d9f8-x2kq                  => payments-7d9f8-x2kq => prod",
        "<@U1> look at pod/payments-7d9f8-x2kq in namespace prod => pod/payments-7d9f8-x2kq => prod",
        "<@U1> <https://k8s.example/#/pod/prod/payments-7d9f8-x2kq?namespace=prod|payments> => payments-7d9f8-x2kq => prod",
        "<@U1> diagnose <https://console.example/kubernetes/namespaces/staging/pods/orders-1/details> => orders-1 => staging",
        "<@U1|sage> diagnose local:4242                        => local:4242 => ",
        "<@U1> diagnose hosts/payments                         => hosts/payments => ",
    })
    void aTargetIsReadFromManyWaysOfAsking(String text, String target, String namespace) {
        Conversation.Diagnose d = (Conversation.Diagnose) Conversation.read(text, false);
        assertThat(d.target()).isEqualTo(target);
        assertThat(d.namespace()).isEqualTo(Optional.ofNullable(namespace));
    }

    @Test
    void compareAndWatchTakeWhatFollows() {
        Conversation.Diagnose c = (Conversation.Diagnose) Conversation.read("<@U1> compare payments-1 with a healthy sibling", false);
        assertThat(c.compareWith()).contains("auto");
        Conversation.Diagnose in = (Conversation.Diagnose) Conversation.read("compare payments-1 with a healthy sibling in staging", false);
        assertThat(in.compareWith()).contains("auto");
        assertThat(in.namespace()).as("what follows the sibling is still read").contains("staging");
        assertThat(((Conversation.Diagnose) Conversation.read("compare payments-1 with the pod payments-2", false)).compareWith())
                .contains("payments-2");
        Conversation.Diagnose o = (Conversation.Diagnose) Conversation.read("compare payments-1 with payments-2 -n prod", false);
        assertThat(o.compareWith()).contains("payments-2");
        assertThat(o.namespace()).contains("prod");
        Conversation.Diagnose w = (Conversation.Diagnose) Conversation.read("watch payments-1 for 2 min", false);
        assertThat(w.watchFor()).contains(Duration.ofMinutes(2));
        assertThat(((Conversation.Diagnose) Conversation.read("watch payments-1", false)).watchFor()).contains(Duration.ofSeconds(30));
        Conversation.Diagnose x = (Conversation.Diagnose) Conversation.read("diagnose payments-1 -c app --context eu --pid 7", false);
        assertThat(x.container()).contains("app");
        assertThat(x.context()).contains("eu");
        assertThat(x.pid()).contains(7L);
    }

    @Test
    void aProfileTakesItsTargetAndHowLongToRecord() {
        Conversation.Profile p = (Conversation.Profile) Conversation.read("<@U1> profile payments-7d9f8-x2kq -n prod for 30s",
                false);
        assertThat(p.target().target()).isEqualTo("payments-7d9f8-x2kq");
        assertThat(p.target().namespace()).contains("prod");
        assertThat(p.duration()).hasSeconds(30);
        assertThat(p.target().watchFor()).as("recording is not watching").isEmpty();
        assertThat(((Conversation.Profile) Conversation.read("profile local:42", false)).duration())
                .as("30 s unless told").hasSeconds(30);
        assertThat(((Conversation.Profile) Conversation.read("profile prod/orders-1 for 2 min", false)).duration())
                .hasMinutes(2);
        assertThat(Conversation.read("profile", false)).isInstanceOf(Conversation.Help.class);
        assertThat(((Conversation.Help) Conversation.read("profile local:42 for 20m", false)).why())
                .isEqualTo("a profile lasts between 1 s and 5 min.");
    }

    @Test
    void aProfileMayNameAJvmToRecordBesideItAndADiagnosisMayRecordAfterItsRounds() {
        Conversation.Profile beside = (Conversation.Profile) Conversation.read(
                "<@U1> profile payments-7d9f8-x2kq in prod for 30s with payments-7d9f8-h5jw", false);
        assertThat(beside.target().target()).isEqualTo("payments-7d9f8-x2kq");
        assertThat(beside.target().compareWith()).contains("payments-7d9f8-h5jw");
        assertThat(beside.duration()).hasSeconds(30);
        assertThat(((Conversation.Profile) Conversation.read("profile payments-7d9f8-x2kq with a healthy sibling", false))
                .target().compareWith()).contains("auto");

        Conversation.Diagnose d = (Conversation.Diagnose) Conversation.read("<@U1> diagnose payments-7d9f8-x2kq --profile 45s",
                false);
        assertThat(d.profileFor()).hasValue(java.time.Duration.ofSeconds(45));
        assertThat(((Conversation.Diagnose) Conversation.read("payments-7d9f8-x2kq in prod profiling 2 min", false))
                .profileFor()).hasValue(java.time.Duration.ofMinutes(2));
        assertThat(((Conversation.Diagnose) Conversation.read("diagnose payments-7d9f8-x2kq", false)).profileFor()).isEmpty();
        assertThat(((Conversation.Help) Conversation.read("diagnose payments-7d9f8-x2kq --profile", false)).why())
                .contains("`--profile` needs how long to record, 1 s to 5 min");
        assertThat(((Conversation.Help) Conversation.read("profile local:42 --profile 30s", false)).why())
                .contains("give its length with `for`");
    }

    @Test
    void aDumpPastedInACodeBlockIsAnalysed() {
        Conversation.Ask a = Conversation.read("<@U1> ```\"main\" #1 prio=5 tid=0x1 nid=0x2 runnable\n```", false);
        assertThat(a).isInstanceOf(Conversation.Analyze.class);
        assertThat(((Conversation.Analyze) a).pasted()).hasValueSatisfying(p -> assertThat(p).startsWith("\"main\" #1"));
        assertThat(Conversation.read("<@U1>", true)).isInstanceOf(Conversation.Analyze.class);
        assertThat(Conversation.read("<@U1> analyse this", false)).isEqualTo(new Conversation.Analyze(Optional.empty()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<@U1> please reboot everything", "<@U1> watch payments-1 for ever", "<@U1> watch payments-1 for 2 hours",
        "<@U1> diagnose", "<@U1> diagnose a-b c-d", "<@U1> compare payments-1 with"})
    void anythingElseGetsHelpSayingWhatWasNotUnderstood(String text) {
        assertThat(Conversation.read(text, false)).isInstanceOfSatisfying(Conversation.Help.class,
                h -> assertThat(h.why()).isNotEmpty());
    }

    @Test
    void helpAndPlaybooksAreAskedForByName() {
        assertThat(Conversation.read("<@U1> help", false)).isEqualTo(new Conversation.Help(""));
        assertThat(Conversation.read("<@U1>", false)).isEqualTo(new Conversation.Help(""));
        assertThat(Conversation.read("<@U1> playbooks", false)).isEqualTo(new Conversation.Playbooks(false));
        assertThat(Conversation.read("<@U1> playbooks reload", false)).isEqualTo(new Conversation.Playbooks(true));
    }
}
