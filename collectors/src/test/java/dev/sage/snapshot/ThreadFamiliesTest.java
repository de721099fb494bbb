package dev.sage.snapshot;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadFamiliesTest {

    @Test
    void anExecutorPerRequestShowsAsOneFamilyPerWorkerIndex() {
        List<JvmThread> threads = new ArrayList<>();
        for (int pool = 1; pool <= 420; pool++) {
            threads.add(thread("pool-" + pool + "-thread-1"));
            if (pool % 2 == 0) {
                threads.add(thread("pool-" + pool + "-thread-2"));
            }
        }
        threads.add(thread("main"));
        assertThat(ThreadFamilies.of(threads)).extracting(ThreadFamilies.Family::pattern, ThreadFamilies.Family::count)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("pool-*-thread-1", 420),
                        org.assertj.core.groups.Tuple.tuple("pool-*-thread-2", 210),
                        org.assertj.core.groups.Tuple.tuple("main", 1));
    }

    @Test
    void sharedNumbersAreKeptAndVaryingOnesStarred() {
        List<JvmThread> threads = IntStream.rangeClosed(1, 10).mapToObj(i -> thread("http-nio-8080-exec-" + i)).toList();
        assertThat(ThreadFamilies.of(threads)).containsExactly(
                new ThreadFamilies.Family("http-nio-8080-exec-*", 10, "http-nio-8080-exec-1"));
    }

    @Test
    void namesThatDifferInTextGroupByTheirFirstWords() {
        List<JvmThread> threads = List.of(thread("WatchService for /srv/a"), thread("WatchService for /srv/b"),
                thread("WatchService for /srv/c"), thread("Signal Dispatcher"), thread("Finalizer"));
        assertThat(ThreadFamilies.of(threads)).extracting(ThreadFamilies.Family::pattern)
                .containsExactly("WatchService for *", "Finalizer", "Signal Dispatcher");
    }

    @Test
    void twoOfAKindStayTogetherWithoutSplitting() {
        List<JvmThread> threads = List.of(thread("GC Thread#0"), thread("GC Thread#1"));
        assertThat(ThreadFamilies.of(threads)).extracting(ThreadFamilies.Family::pattern).containsExactly("GC Thread#*");
    }

    private static JvmThread thread(String name) {
        return new JvmThread(name, -1, false, false, 5, ThreadState.WAITING, "", null, null, -1, List.of(), List.of(),
                List.of(), null);
    }
}
