package dev.sage.load;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * At most {@code limit} requests per key (a person, a channel) in any sliding {@code window}. A request over the limit
 * is not counted, and is told when the oldest one in the window leaves it. Keys with nothing in the window are
 * forgotten, so memory follows the people active in the last window.
 *
 * <p>Thread-safe.
 */
public final class RateLimit {
    private final int limit;
    private final long windowNanos;
    private final Map<String, Deque<Long>> recent = new HashMap<>();
    private long lastSweep;

    /** @param limit requests per window; 0 turns the limit off */
    public RateLimit(int limit, Duration window) {
        if (limit < 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate limit needs a positive window and a limit of 0 (off) or more");
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
    }

    /**
     * Counts a request of {@code key} at {@code nowNanos} ({@link System#nanoTime()}) if the limit allows it.
     *
     * @return empty when allowed; else how long until one more would be
     */
    public synchronized Optional<Duration> take(String key, long nowNanos) {
        if (limit == 0) {
            return Optional.empty();
        }
        sweep(nowNanos);
        Deque<Long> times = recent.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!times.isEmpty() && nowNanos - times.peekFirst() >= windowNanos) {
            times.pollFirst();
        }
        if (times.size() >= limit) {
            return Optional.of(Duration.ofNanos(windowNanos - (nowNanos - times.peekFirst())));
        }
        times.addLast(nowNanos);
        return Optional.empty();
    }

    /** Gives back a request counted by {@link #take} that was not served after all (another limit refused it). */
    public synchronized void giveBack(String key) {
        Deque<Long> times = recent.get(key);
        if (times != null) {
            times.pollLast();
        }
    }

    public int limit() {
        return limit;
    }

    /** Forgets keys whose requests have all left the window, at most once per window. */
    private void sweep(long now) {
        if (now - lastSweep < windowNanos) {
            return;
        }
        lastSweep = now;
        for (Iterator<Deque<Long>> it = recent.values().iterator(); it.hasNext(); ) {
            Deque<Long> times = it.next();
            if (times.isEmpty() || now - times.peekLast() >= windowNanos) {
                it.remove();
            }
        }
    }
}
