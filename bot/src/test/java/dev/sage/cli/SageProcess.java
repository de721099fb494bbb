package dev.sage.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code sage} in a fresh JVM on this module's classpath, as the jar would: real stdin, stdout and exit code. */
final class SageProcess {
    record Run(int exit, String out, String err) {}

    private SageProcess() {}

    static Run run(byte[] stdin, String... args) throws IOException, InterruptedException {
        return run(java.util.Map.of(), stdin, args);
    }

    /** With these environment variables set (e.g. {@code KUBECONFIG}). */
    static Run run(java.util.Map<String, String> env, byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.sage.cli.Sage"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        Thread writer = new Thread(() -> {
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException refused) {
                // Sage stopped reading (an input it refuses): what it said is what the test checks
            }
        });
        writer.start();
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        Thread reader = new Thread(() -> out.complete(readAll(p.getInputStream())));
        reader.start();
        byte[] err = readAll(p.getErrorStream());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("sage " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
