package dev.sage.slack;

import dev.sage.service.DiagnosisListener;
import dev.sage.service.Report;

import java.util.ArrayList;
import java.util.List;

/**
 * One diagnosis's message in a thread, kept up to date: the acknowledgement, then each step as it happens, then the
 * first judgement once round 1 is in, then the diagnosis (or what failed). Steps that come less than
 * {@link #MIN_UPDATE_MILLIS} after the previous update are shown with the next one, so that a burst of steps costs
 * one {@code chat.update}. Once a final state is shown, later progress (a queue place said late, a step of a diagnosis
 * other threads joined) never replaces it.
 *
 * <p>Thread-safe: the methods are synchronized, so a final state and a late progress update cannot interleave.
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
    /** The first judgement once shown: later steps go under it instead of replacing it. */
    private Report judged;
    private String judgedPending = "";
    private boolean done;
    /** Whether the work has shown a step: a queue place said late must not replace it. */
    private boolean started;
    /** Where the last countdown step is in {@link #steps}, or -1. */
    private int countdownAt = -1;

    ThreadReply(SlackWeb web, String channel, String thread, String ts, String doing, Again again) {
        this.web = web;
        this.channel = channel;
        this.thread = thread;
        this.ts = ts;
        this.doing = doing;
        this.again = again;
    }

    @Override
    public synchronized void step(String what) {
        started = true;
        steps.add(what);
        if ((System.nanoTime() - lastUpdate) / 1_000_000 >= MIN_UPDATE_MILLIS) {
            progress(judged == null ? BlockKit.progress(doing, steps)
                    : BlockKit.report(judged, again, true, judgedPending + "; " + Mrkdwn.escape(what)));
        }
    }

    /** A step that replaces the last one when that was a countdown too ("20 s left"), so that they do not pile up. */
    synchronized void countdown(String what) {
        if (countdownAt >= 0 && countdownAt == steps.size() - 1) {
            steps.remove(countdownAt);
        }
        countdownAt = steps.size();
        step(what);
    }

    @Override
    public synchronized void roundJudged(int round, int rounds, Report soFar) {
        started = true;
        if (round < rounds) {
            judged = soFar;
            judgedPending = "round " + round + " of " + rounds + " is in; growth and \u201cstuck\u201d are judged once round "
                    + rounds + " is in";
            progress(BlockKit.report(soFar, again, true, judgedPending));
        }
    }

    /** A state before the work starts (a place in the queue), unless the work has already started or ended. */
    synchronized void waiting(BlockKit.Message m) {
        if (!started) {
            progress(m);
        }
    }

    /** Progress: tried once, since a later state follows; the collecting thread never waits out a rate limit. */
    private void progress(BlockKit.Message m) {
        if (done) {
            return;
        }
        lastUpdate = System.nanoTime();
        web.progress(channel, thread, ts, m);
    }

    /** Replaces the message with a final state, retrying; false when Slack would not take it (logged). */
    synchronized boolean show(BlockKit.Message m) {
        done = true;
        lastUpdate = System.nanoTime();
        return web.update(channel, thread, ts, m);
    }
}
