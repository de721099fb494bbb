package dev.sage.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the audit costs each command Sage runs: its two lines (before, forced to disk; after, with the outcome). Run by
 * hand: {@code java -cp ... dev.sage.audit.AuditBenchmark [DIR]} (the directory's file system is what is measured).
 */
public final class AuditBenchmark {
    private AuditBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("sage-audit-bench");
        Path file = dir.resolve("audit-bench.jsonl");
        Files.deleteIfExists(file);
        RequestAudit audit = new RequestAudit(AuditLog.open(file), "U0123ABCD", "C0123PAY", "1700000000.000100",
                "pod/payments-7d9f8-x2kq in prod (context default)");
        List<String> argv = List.of("sh", "-c", "x".repeat(300), "/usr/lib/jvm/java-17/bin/jcmd", "1");
        byte[] stdin = "help VM.version\nThread.print\nhelp VM.version\nGC.heap_info\nhelp VM.version\n".getBytes();
        for (int i = 0; i < 200; i++) {
            audit.before("pod payments-7d9f8-x2kq", argv, stdin);
            audit.after("pod payments-7d9f8-x2kq", argv, 0, Duration.ofMillis(250), 120_000, null);
        }
        int n = 2000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            audit.before("pod payments-7d9f8-x2kq", argv, stdin);
            audit.after("pod payments-7d9f8-x2kq", argv, 0, Duration.ofMillis(250), 120_000, null);
        }
        double ms = (System.nanoTime() - start) / 1e6 / n;
        System.out.printf("%d commands audited in %s: %.3f ms per command (two lines, each forced to disk), %d bytes"
                + " per command%n", n, dir, ms, Files.size(file) / (n + 200));
        Files.delete(file);
    }
}
