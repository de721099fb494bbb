package dev.sage.slack;

import dev.sage.service.DiagnosisListener;
import dev.sage.service.Report;

import java.util.ArrayList;
import java.util.List;

/**
 * One diagnosis's message in a thread, kept up to date: the acknowledgement, then each step as it happens, then the
 * first judgement once round 1 is in, then the diagnosis (or what failed). Steps that come less than
 * {@link #MIN_UPDATE_MILLIS} after the previous update are shown with the next one, so that a burst of steps costs
 * one {@code chat.update}. Used by the thread running the diagnosis only.
 */
final class ThreadReply implements DiagnosisListener {
    static final long MIN_UPDATE_MILLIS = 1000;

    final String channel;
    final String thread;
    final String ts;
    private final SlackWeb web;
    private final String doing;
    private final Again again;
    private final List<String> steps = new ArrayList<>();
    private long lastUpdate = System.nanoTime();

    ThreadReply(SlackWeb web, String channel, String thread, String ts, String doing, Again again) {
        this.web = web;
        this.channel = channel;
        this.thread = thread;
        this.ts = ts;
        this.doing = doing;
        this.again = again;
    }

    @Override
    public void step(String what) {
        steps.add(what);
        if ((System.nanoTime() - lastUpdate) / 1_000_000 >= MIN_UPDATE_MILLIS) {
            show(BlockKit.progress(doing, steps));
        }
    }

    @Override
    public void roundJudged(int round, int rounds, Report soFar) {
        if (round < rounds) {
            show(BlockKit.report(soFar, again, true, "round " + round + " of " + rounds + " is in; growth and \u201cstuck\u201d"
                    + " are judged once round " + rounds + " is in"));
        }
    }

    /** Replaces the message; false when Slack would not take it (logged). */
    boolean show(BlockKit.Message m) {
        lastUpdate = System.nanoTime();
        return web.update(channel, thread, ts, m);
    }
}
