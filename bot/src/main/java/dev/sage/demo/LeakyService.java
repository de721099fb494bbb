package dev.sage.demo;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A small service that misbehaves the way the incident story goes: every tenth request builds an HTTP-style
 * client with its own executor and never shuts it down (threads pile up), every fiftieth starts a report timer that
 * is never cancelled, every request caches its 32 KiB response under a key that is never reused (a cache that only
 * grows, by tens of megabytes a round), and every hundredth keeps a direct buffer (native memory above the heap). It stops leaking after {@code --requests} requests so it cannot
 * exhaust the machine, then idles until killed. Run with {@code -XX:NativeMemoryTracking=summary} to see the
 * native side.
 */
public final class LeakyService {
    private static final Map<String, CachedResponse> RESPONSE_CACHE = new HashMap<>();
    private static final List<ExecutorService> CLIENTS = new ArrayList<>();
    private static final List<Timer> TIMERS = new ArrayList<>();
    private static final List<ByteBuffer> BUFFERS = new ArrayList<>();

    private LeakyService() {}

    public static void main(String[] args) throws InterruptedException {
        int requests = 2500;
        long intervalMillis = 4;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--requests")) requests = Integer.parseInt(args[i + 1]);
            if (args[i].equals("--interval-ms")) intervalMillis = Long.parseLong(args[i + 1]);
        }
        System.out.println("leaky-service ready pid=" + ProcessHandle.current().pid());
        for (int n = 1; n <= requests; n++) {
            handle(n);
            Thread.sleep(intervalMillis);
        }
        System.out.println("leaky-service done leaking after " + requests + " requests");
        Thread.sleep(Long.MAX_VALUE);
    }

    /** A response as the cache keeps it: a body of some kilobytes behind a small object. */
    record CachedResponse(int status, byte[] body, long createdAt) {}

    /** One request: everything it creates outlives it. */
    static void handle(int n) {
        if (n % 10 == 0) {
            ExecutorService client = Executors.newFixedThreadPool(2); // a client built per call to a backend
            client.submit(() -> RESPONSE_CACHE.hashCode());
            client.submit(() -> RESPONSE_CACHE.size());
            CLIENTS.add(client); // never shut down
        }

        if (n % 50 == 0) {
            Timer timer = new Timer("report-timer-" + n, true); // a timer per call
            timer.scheduleAtFixedRate(new TimerTask() {
                @Override
                public void run() {
                    RESPONSE_CACHE.size();
                }
            }, TimeUnit.SECONDS.toMillis(30), TimeUnit.SECONDS.toMillis(30));
            TIMERS.add(timer); // never cancelled
        }

        synchronized (RESPONSE_CACHE) {
            // keys never repeat, and nothing is ever evicted
            RESPONSE_CACHE.put("GET /orders/" + n + "?t=" + System.nanoTime(), new CachedResponse(200, new byte[32 * 1024], n));
        }
        if (n % 100 == 0) {
            BUFFERS.add(ByteBuffer.allocateDirect(1 << 20));
        }
    }
}
