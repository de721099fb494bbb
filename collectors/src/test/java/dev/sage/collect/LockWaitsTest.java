package dev.sage.collect;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LockWaitsTest {
    private static String dump(int waiters, String lockClass) {
        StringBuilder sb = new StringBuilder("Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode):\n\n");
        sb.append("\"holder\" #20 prio=5 os_prio=0 cpu=1.00ms elapsed=5.00s tid=0x1 nid=0x14 waiting on condition  [0x1]\n")
                .append("   java.lang.Thread.State: TIMED_WAITING (sleeping)\n")
                .append("\tat java.lang.Thread.sleep(java.base@17.0.15/Native Method)\n\n");
        for (int i = 0; i < waiters; i++) {
            sb.append("\"checkout-").append(i).append("\" #").append(30 + i)
                    .append(" prio=5 os_prio=0 cpu=1.00ms elapsed=5.00s tid=0x2 nid=0x").append(30 + i).append(" waiting on condition  [0x2]\n")
                    .append("   java.lang.Thread.State: WAITING (parking)\n")
                    .append("\tat jdk.internal.misc.Unsafe.park(java.base@17.0.15/Native Method)\n")
                    .append("\t- parking to wait for  <0x00000007ffe00000> (a ").append(lockClass).append(")\n")
                    .append("\tat java.util.concurrent.locks.LockSupport.park(java.base@17.0.15/LockSupport.java:211)\n\n");
        }
        return sb.append("JNI global refs: 10, weak refs: 0\n").toString();
    }

    @Test
    void threeThreadsQueuedOnOneReentrantLockAreWorthTheHeapWalkThatNamesItsHolder() {
        assertThat(LockWaits.wantOwners(dump(3, "java.util.concurrent.locks.ReentrantLock$NonfairSync"))).isTrue();
        assertThat(LockWaits.wantOwners(dump(3, "java.util.concurrent.locks.ReentrantReadWriteLock$NonfairSync"))).isTrue();
        assertThat(LockWaits.wantOwners(dump(2, "java.util.concurrent.locks.ReentrantLock$NonfairSync")))
                .as("two waiters: a passing queue").isFalse();
        assertThat(LockWaits.wantOwners(dump(10, "java.util.concurrent.CountDownLatch$Sync")))
                .as("a latch has no owner to name").isFalse();
        assertThat(LockWaits.wantOwners(dump(10, "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject")))
                .as("idle pool workers wait on a condition").isFalse();
    }
}
