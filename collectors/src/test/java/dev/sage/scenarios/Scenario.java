package dev.sage.scenarios;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Misbehaving JVMs for tests: {@code java -cp test-classes dev.sage.scenarios.Scenario NAME}. Each sets up
 * its symptom for real, prints {@code ready} on standard output once the symptom shows, and runs until
 * killed (or until {@code --exit-after-ms}). Leaking scenarios keep what they leak reachable: on JDK 9+ an
 * unreachable idle Timer or single-thread executor is reclaimed by GC. Every leak is bounded so a forgotten
 * scenario cannot exhaust the machine.
 */
public final class Scenario {
    static final List<Object> KEEP = new ArrayList<>();
    static final Map<String, Object> CACHE = new HashMap<>();
    static final byte[] NOISE = new byte[256 << 10];

    static {
        new java.util.Random(42).nextBytes(NOISE);
    }

    private Scenario() {}

    public static void main(String[] args) throws Exception {
        String name = args[0];
        long exitAfter = -1;
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals("--exit-after-ms")) {
                exitAfter = Long.parseLong(args[i + 1]);
            }
        }
        switch (name) {
            case "deadlock-monitors" -> deadlockMonitors("deadlock-A", "deadlock-B");
            // thread names a chat reply must never turn into a ping or a link
            case "deadlock-hostile-names" -> deadlockMonitors("<!channel> deadlock-A", "<https://evil.example|click> deadlock-B");
            case "deadlock-locks" -> deadlockLocks();
            case "thread-leak" -> periodic(25, 400, n -> {
                ExecutorService client = Executors.newFixedThreadPool(1); // a client built per request
                client.submit(() -> { });
                KEEP.add(client);
            });
            case "timer-leak" -> periodic(25, 200, n -> {
                Timer t = new Timer("Timer-" + n, true);
                t.schedule(new TimerTask() {
                    @Override
                    public void run() { }
                }, 60_000, 60_000);
                KEEP.add(t);
            });
            case "blocked-on-monitor" -> blockedOnMonitor();
            case "socket-read" -> socketRead();
            case "latch-forever" -> latchForever();
            case "map-cache" -> periodic(10, 3000, n -> CACHE.put("key-" + n, new CacheEntry(n)));
            // few entries, big ones: tens of MB per round in a few thousand entries (run with -Xmx256m)
            case "response-cache" -> periodic(5, 2000, n -> CACHE.put("GET /orders/" + n, new CachedResponse(32 << 10)));
            case "busy-healthy" -> busyHealthy();
            case "gc-thrash" -> gcThrash();
            case "virtual-threads" -> virtualThreads();
            case "reentrant-contention" -> reentrantContention();
            case "virtual-server" -> virtualServer();
            case "direct-buffers" -> periodic(50, 100, n -> KEEP.add(ByteBuffer.allocateDirect(1 << 20)));
            case "class-loaders" -> periodic(20, 300, n -> KEEP.add(new IsolatedClassLoader().load()));
            case "heap-fill" -> heapFill();
            case "heap-fill-small" -> heapFillSmall();
            case "healthy" -> healthy();
            case "cpu-spin" -> cpuSpin();
            case "allocation-hotspot" -> allocationHotspot();
            case "throughput" -> throughput();
            case "finalizer-backlog" -> finalizerBacklog();
            case "finalizer-slow" -> finalizerSlow();
            case "cancelled-tasks" -> cancelledTasks();
            case "native-gap" -> periodic(2, 800, n -> {
                java.util.zip.Deflater d = new java.util.zip.Deflater(9); // zlib's buffers: malloc outside NMT
                d.setInput(NOISE); // a Deflater keeps its input: one shared array, not one per deflater
                d.deflate(new byte[64 << 10]); // touches the window and hash tables
                KEEP.add(d); // never end()ed
            });
            case "heap-released" -> heapReleased();
            case "pool-exhaustion" -> poolExhaustion();
            case "idle" -> ready();
            default -> throw new IllegalArgumentException("unknown scenario " + name);
        }
        if (exitAfter >= 0) {
            Thread.sleep(exitAfter);
            System.exit(0);
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    static void ready() {
        System.out.println("ready pid=" + ProcessHandle.current().pid());
        System.out.flush();
    }

    /** Does {@code step} every {@code millis} on a daemon thread, {@code limit} times, saying ready after the first. */
    static void periodic(long millis, int limit, java.util.function.IntConsumer step) {
        step.accept(0);
        ready();
        Thread t = new Thread(() -> {
            for (int n = 1; n < limit; n++) {
                step.accept(n);
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "scenario-driver");
        t.setDaemon(true);
        t.start();
    }

    static void deadlockMonitors(String nameA, String nameB) throws InterruptedException {
        Object a = new Object();
        Object b = new Object();
        CountDownLatch both = new CountDownLatch(2);
        Thread t1 = new Thread(() -> { synchronized (a) { both.countDown(); awaitQuietly(both); synchronized (b) { } } }, nameA);
        Thread t2 = new Thread(() -> { synchronized (b) { both.countDown(); awaitQuietly(both); synchronized (a) { } } }, nameB);
        t1.start();
        t2.start();
        waitForState(Thread.State.BLOCKED, t1, t2);
        ready();
    }

    static void deadlockLocks() throws InterruptedException {
        ReentrantLock a = new ReentrantLock();
        ReentrantLock b = new ReentrantLock();
        CountDownLatch both = new CountDownLatch(2);
        Thread t1 = new Thread(() -> { a.lock(); both.countDown(); awaitQuietly(both); b.lock(); }, "lock-deadlock-A");
        Thread t2 = new Thread(() -> { b.lock(); both.countDown(); awaitQuietly(both); a.lock(); }, "lock-deadlock-B");
        t1.start();
        t2.start();
        waitForState(Thread.State.WAITING, t1, t2);
        ready();
    }

    static void blockedOnMonitor() throws InterruptedException {
        Object lock = new Object();
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (lock) {
                held.countDown();
                sleepQuietly(Long.MAX_VALUE); // holds the monitor while it sleeps
            }
        }, "slow-holder");
        holder.setDaemon(true);
        holder.start();
        held.await();
        Thread[] waiters = new Thread[10];
        for (int i = 0; i < waiters.length; i++) {
            waiters[i] = new Thread(() -> { synchronized (lock) { } }, "request-" + i);
            waiters[i].setDaemon(true);
            waiters[i].start();
        }
        waitForState(Thread.State.BLOCKED, waiters);
        ready();
    }

    static void socketRead() throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        KEEP.add(server);
        Thread acceptor = new Thread(() -> {
            try {
                KEEP.add(server.accept()); // accepts, never answers
            } catch (Exception ignored) {
                // closed
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
        // a client built per request, reading with no timeout from a server that never answers
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()); // no timeout set
            KEEP.add(client);
            Thread reader = new Thread(() -> {
                try (InputStream in = client.getInputStream()) {
                    in.read();
                } catch (Exception ignored) {
                    // closed
                }
            }, "http-client-read-" + i);
            reader.setDaemon(true);
            reader.start();
            readers.add(reader);
        }
        for (Thread reader : readers) {
            while (!stackHas(reader, "read")) {
                Thread.sleep(10);
            }
        }
        ready();
    }

    static void latchForever() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        KEEP.add(never);
        Thread[] waiters = new Thread[3];
        for (int i = 0; i < waiters.length; i++) {
            waiters[i] = new Thread(() -> awaitQuietly(never), "startup-waiter-" + i);
            waiters[i].setDaemon(true);
            waiters[i].start();
        }
        waitForState(Thread.State.WAITING, waiters);
        ready();
    }

    static void heapFill() {
        long max = Runtime.getRuntime().maxMemory();
        long target = (long) (max * 0.85);
        long kept = 0;
        while (kept < target) {
            KEEP.add(new byte[64 << 10]); // small enough never to be a humongous G1 object
            kept += 64 << 10;
        }
        ready();
    }

    /** About 85 % of the heap in tens of millions of small objects, as a real service's heap is. */
    static void heapFillSmall() {
        long target = (long) (Runtime.getRuntime().maxMemory() * 0.85);
        long kept = 0;
        while (kept < target) {
            Object[] chunk = new Object[1 << 16];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = new byte[24];
            }
            KEEP.add(chunk);
            kept += (long) chunk.length * 40 + (16L + 4L * chunk.length);
        }
        ready();
    }

    static void healthy() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r);
            t.setName("worker-" + t.getId());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < 4; i++) {
            pool.submit(() -> { });
        }
        var scheduler = Executors.newSingleThreadScheduledExecutor();
        scheduler.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.SECONDS);
        KEEP.add(pool);
        KEEP.add(scheduler);
        Thread.sleep(200);
        ready();
    }

    /** A thread in a busy loop: RUNNABLE on the same stack, its cpu= rising with wall time. */
    static void cpuSpin() {
        Thread t = new Thread(() -> {
            long x = 0;
            while (true) {
                x = x * 31 + System.nanoTime();
                if (x == 42) {
                    KEEP.add(x);
                }
            }
        }, "busy-retry-loop");
        t.setDaemon(true);
        t.start();
        ready();
    }

    /** One method allocating most of the memory: {@link #buildReport} makes 64 KiB of garbage per call, all day. */
    static void allocationHotspot() {
        Thread t = new Thread(() -> {
            for (long n = 0; ; n++) {
                KEEP_LAST[0] = buildReport(n);
                if (n % 16 == 0) {
                    sleepQuietly(1);
                }
            }
        }, "report-builder");
        t.setDaemon(true);
        t.start();
        ready();
    }

    /**
     * A service's request loop at full speed on one thread (parse, look up, allocate a response), printing how many
     * requests it served each second ({@code ops N}): the figure a recording's overhead is measured against.
     */
    static void throughput() {
        Map<String, CachedResponse> cache = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            cache.put("GET /items/" + i, new CachedResponse(256));
        }
        Thread t = new Thread(() -> {
            java.util.Random random = new java.util.Random(7);
            long ops = 0;
            long second = System.nanoTime() + 1_000_000_000L;
            while (true) {
                String key = "GET /items/" + random.nextInt(10_000);
                CachedResponse hit = cache.get(key);
                StringBuilder body = new StringBuilder(64).append(key).append(' ').append(hit.body.length);
                KEEP_LAST[0] = body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ops++;
                if (System.nanoTime() >= second) {
                    System.out.println("ops " + ops);
                    ops = 0;
                    second += 1_000_000_000L;
                }
            }
        }, "request-loop");
        t.setDaemon(true);
        t.start();
        ready();
    }

    private static final byte[][] KEEP_LAST = new byte[1][];

    static byte[] buildReport(long n) {
        byte[] report = new byte[64 << 10];
        report[(int) (n & 0xFFFF)] = 1;
        return report;
    }

    /** The finalizer thread blocked on a lock a sleeping thread holds, while finalizable objects pile up. */
    static void finalizerBacklog() throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (Finalizable.LOCK) {
                held.countDown();
                sleepQuietly(Long.MAX_VALUE);
            }
        }, "lock-hog");
        holder.setDaemon(true);
        holder.start();
        held.await();
        for (int i = 0; i < 200_000; i++) {
            new Finalizable();
        }
        System.gc(); // queue them for finalization: the finalizer blocks on the first
        Thread.sleep(500);
        ready();
    }

    /**
     * A finalizer that is not blocked but slow: 30,000 objects whose finalize() takes 20 ms, so the one finalizer
     * thread is busy in an application's finalize() for ten minutes while the queue stays long.
     */
    static void finalizerSlow() throws InterruptedException {
        for (int i = 0; i < 30_000; i++) {
            new SlowFinalizable();
        }
        System.gc(); // queue them for finalization
        Thread.sleep(500);
        ready();
    }

    /** An object whose finalize() does slow work (I/O, a remote call) on the one finalizer thread. */
    static final class SlowFinalizable {
        final byte[] payload = new byte[64];

        @Override
        @SuppressWarnings({"deprecation", "removal"})
        protected void finalize() throws InterruptedException {
            Thread.sleep(20);
        }
    }

    /** An object whose finalize() needs a lock. */
    static final class Finalizable {
        static final Object LOCK = new Object();
        final byte[] payload = new byte[64];

        @Override
        @SuppressWarnings({"deprecation", "removal"})
        protected void finalize() {
            synchronized (LOCK) {
                KEEP.size();
            }
        }
    }

    /** Delayed tasks scheduled and cancelled without removeOnCancel: they stay in the queue until their delay. */
    static void cancelledTasks() {
        var scheduler = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
        KEEP.add(scheduler);
        for (int i = 0; i < 50_000; i++) {
            scheduler.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
        }
        ready();
    }

    /** The heap filled to 85 % and let go: committed stays far above used until something uncommits it. */
    static void heapReleased() throws InterruptedException {
        List<byte[]> garbage = new ArrayList<>();
        long target = (long) (Runtime.getRuntime().maxMemory() * 0.85);
        for (long kept = 0; kept < target; kept += 64 << 10) {
            garbage.add(new byte[64 << 10]);
        }
        garbage.clear();
        System.gc(); // the scenario's own full GC: the heap is now nearly empty, and stays committed at -Xms
        Thread.sleep(300);
        ready();
    }

    /**
     * A real HikariCP pool of 2 connections (to an in-memory H2 database) held by 2 slow requests, and 10 more
     * requests waiting in getConnection. Needs HikariCP and H2 on the classpath (test scope).
     */
    static void poolExhaustion() throws Exception {
        var config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(2);
        config.setConnectionTimeout(600_000);
        config.setPoolName("orders-db");
        var pool = new com.zaxxer.hikari.HikariDataSource(config);
        KEEP.add(pool);
        CountDownLatch taken = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            Thread slow = new Thread(() -> {
                try (var c = pool.getConnection()) {
                    taken.countDown();
                    sleepQuietly(Long.MAX_VALUE); // a slow query holding its connection
                } catch (Exception ignored) {
                    // the pool was closed
                }
            }, "slow-report-" + i);
            slow.setDaemon(true);
            slow.start();
        }
        taken.await();
        Thread[] waiting = new Thread[10];
        for (int i = 0; i < waiting.length; i++) {
            waiting[i] = new Thread(() -> {
                try (var c = pool.getConnection()) {
                    KEEP.size();
                } catch (Exception ignored) {
                    // timed out
                }
            }, "http-request-" + i);
            waiting[i].setDaemon(true);
            waiting[i].start();
        }
        waitForState(Thread.State.TIMED_WAITING, waiting);
        ready();
    }

    /**
     * A healthy busy service: every request builds a map of objects and drops it (lots of short-lived garbage, map
     * entries included), and an LRU cache stays at its bound of 2,000 entries.
     */
    static void busyHealthy() {
        Map<String, CachedResponse> lru = new java.util.LinkedHashMap<>(4096, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CachedResponse> eldest) {
                return size() > 2000;
            }
        };
        Thread t = new Thread(() -> {
            java.util.Random random = new java.util.Random(7);
            for (long n = 0; ; n++) {
                Map<String, Object> request = new HashMap<>();
                for (int i = 0; i < 40; i++) {
                    request.put("field-" + i, new CachedResponse(256));
                }
                lru.put("GET /items/" + random.nextInt(10_000), new CachedResponse(4096));
                KEEP.size(); // the request map is garbage from here on
                if (n % 50 == 0) {
                    sleepQuietly(1);
                }
            }
        }, "request-loop");
        t.setDaemon(true);
        t.start();
        ready();
    }

    /**
     * JDK 21+ only: 1,000 virtual threads waiting on a latch nobody counts down, and 100 more BLOCKED on a monitor a
     * platform thread holds while it sleeps (JDK 24+ unmounts them; on 21 each pins its carrier). {@code Thread.print}
     * shows none of them. Built by reflection: the scenarios compile for Java 17.
     */
    static void virtualThreads() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        Object lock = new Object();
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (lock) {
                held.countDown();
                sleepQuietly(Long.MAX_VALUE);
            }
        }, "cache-refresher");
        holder.setDaemon(true);
        holder.start();
        held.await();
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        java.lang.reflect.Method name = builderType.getMethod("name", String.class, long.class);
        java.lang.reflect.Method start = builderType.getMethod("start", Runnable.class);
        Object waiters = name.invoke(Thread.class.getMethod("ofVirtual").invoke(null), "order-handler-", 0L);
        for (int i = 0; i < 1000; i++) {
            KEEP.add(start.invoke(waiters, (Runnable) () -> awaitQuietly(never)));
        }
        Object blocked = name.invoke(Thread.class.getMethod("ofVirtual").invoke(null), "price-lookup-", 0L);
        for (int i = 0; i < 100; i++) {
            KEEP.add(start.invoke(blocked, (Runnable) () -> {
                synchronized (lock) {
                    KEEP.size();
                }
            }));
        }
        Thread.sleep(500);
        ready();
    }

    /**
     * JDK 21+ only: a healthy server on virtual threads: 500 request handlers that each wait a little (timed) for a
     * backend and start again, and a few platform threads idle in a pool.
     */
    static void virtualServer() throws Exception {
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        Object handlers = builderType.getMethod("name", String.class, long.class)
                .invoke(Thread.class.getMethod("ofVirtual").invoke(null), "request-", 0L);
        java.lang.reflect.Method start = builderType.getMethod("start", Runnable.class);
        for (int i = 0; i < 500; i++) {
            KEEP.add(start.invoke(handlers, (Runnable) () -> {
                while (true) {
                    sleepQuietly(20 + (System.nanoTime() & 15));
                    KEEP.size();
                }
            }));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        pool.submit(() -> { });
        KEEP.add(pool);
        Thread.sleep(300);
        ready();
    }

    /** Six threads parked on a ReentrantLock that one thread holds while it sleeps. */
    static void reentrantContention() throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            lock.lock();
            held.countDown();
            sleepQuietly(Long.MAX_VALUE);
        }, "inventory-sync");
        holder.setDaemon(true);
        holder.start();
        held.await();
        Thread[] waiters = new Thread[6];
        for (int i = 0; i < waiters.length; i++) {
            waiters[i] = new Thread(lock::lock, "checkout-" + i);
            waiters[i].setDaemon(true);
            waiters[i].start();
        }
        waitForState(Thread.State.WAITING, waiters);
        ready();
    }

    /** 88 % of the heap kept live, and garbage allocated on top: the collector runs back to back. */
    static void gcThrash() {
        long target = (long) (Runtime.getRuntime().maxMemory() * 0.88);
        for (long kept = 0; kept < target; kept += 64 << 10) {
            KEEP.add(new byte[64 << 10]);
        }
        Thread t = new Thread(() -> {
            Object[] recent = new Object[64];
            for (int n = 0; ; n++) {
                recent[n & 63] = new byte[16 << 10];
            }
        }, "garbage-maker");
        t.setDaemon(true);
        t.start();
        ready();
    }

    /** A cached HTTP response: a body of some kilobytes behind a small object, as a real response cache holds. */
    static final class CachedResponse {
        final byte[] body;
        final long createdAt = System.nanoTime();

        CachedResponse(int size) {
            this.body = new byte[size];
        }
    }

    /** One cache entry of the growing map: its histogram row grows between rounds. */
    static final class CacheEntry {
        final byte[] payload;
        final int id;

        CacheEntry(int id) {
            this.id = id;
            this.payload = new byte[256];
        }
    }

    /** A class loader of its own per call: each defines a fresh copy of {@link Leaked}. */
    static final class IsolatedClassLoader extends ClassLoader {
        IsolatedClassLoader() {
            super(null);
        }

        Class<?> load() {
            try (InputStream in = Scenario.class.getResourceAsStream("Scenario$Leaked.class")) {
                byte[] b = in.readAllBytes();
                return defineClass("dev.sage.scenarios.Scenario$Leaked", b, 0, b.length);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The class each {@link IsolatedClassLoader} defines again. */
    public static final class Leaked {
        public int value;
    }

    static void waitForState(Thread.State state, Thread... threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Thread t : threads) {
            while (t.getState() != state) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(t.getName() + " never reached " + state);
                }
                Thread.sleep(5);
            }
        }
    }

    static boolean stackHas(Thread t, String method) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().contains(method) && e.getClassName().contains("Socket")) {
                return true;
            }
        }
        return false;
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }
}
