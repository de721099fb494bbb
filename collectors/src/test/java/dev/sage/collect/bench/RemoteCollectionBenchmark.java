package dev.sage.collect.bench;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.collect.JcmdCommand;
import dev.sage.collect.JvmDiscovery;
import dev.sage.collect.JvmProcess;
import dev.sage.kube.FakeApiServer;
import dev.sage.kube.KubeCluster;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.transport.CountingTransport;
import dev.sage.transport.OpenSshServer;
import dev.sage.transport.SshTransport;
import dev.sage.transport.Transport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One diagnosis of the default plan over a remote transport, from "which JVM?" to the last answer: {@code sage} is
 * Sage's (a survey that finds the JVM and reads its facts, then one batched jcmd: two execs), {@code naive} is the
 * straightforward way ({@code jcmd -l}, the process status, then one jcmd per command: nine execs). Transports: the
 * Kubernetes exec WebSocket through the real client to the fake API server, with {@code latencyMs} added to every
 * request as a real API server's round trip; and SSH to the OpenSSH server on loopback (needs root and sshd).
 * Each setup prints the execs one operation made.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class RemoteCollectionBenchmark {
    @Param({"kube", "ssh"})
    public String transport;

    @Param({"0", "20"})
    public int latencyMs;

    private ScenarioJvm target;
    private FakeApiServer api;
    private KubeCluster cluster;
    private OpenSshServer sshd;
    private SshTransport ssh;
    private Transport remote;
    private Path dir;
    private final CollectionPlan plan = CollectionPlan.defaults();

    @Setup(Level.Trial)
    public void start() throws Exception {
        target = ScenarioJvm.start("blocked-on-monitor");
        dir = Files.createTempDirectory("bench");
        if (transport.equals("kube")) {
            api = new FakeApiServer();
            api.latency(Duration.ofMillis(latencyMs));
            api.addPod("prod", "payments-1", null, 0, "app");
            System.setProperty("kubeconfig", api.kubeconfig(dir).toString());
            cluster = KubeCluster.connect(Optional.empty(), Duration.ofSeconds(30));
            remote = cluster.transport(cluster.resolve("prod", "payments-1"), "app");
        } else {
            if (latencyMs > 0 || !OpenSshServer.available()) {
                throw new IllegalStateException("ssh runs on loopback only (latencyMs=0), as root with sshd installed");
            }
            sshd = OpenSshServer.start();
            ssh = sshd.transport(sshd.knownHosts);
            remote = ssh;
        }
        CountingTransport counted = new CountingTransport(remote);
        sage(counted);
        int sageExecs = counted.programs().size();
        counted = new CountingTransport(remote);
        naive(counted);
        System.out.println("\nexecs per diagnosis over " + transport + ": sage " + sageExecs + ", naive " + counted.programs().size());
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
            api.close();
        }
        if (ssh != null) {
            ssh.close();
            sshd.close();
        }
        target.close();
    }

    @Benchmark
    public Object sage() throws Exception {
        return sage(remote);
    }

    @Benchmark
    public int naive() throws Exception {
        return naive(remote);
    }

    private Object sage(Transport t) throws Exception {
        JvmProcess jvm = new JvmDiscovery(t, -1).select(Optional.of(target.pid()), Optional.empty());
        return new Collector(t).collect(jvm, plan).snapshot();
    }

    private int naive(Transport t) throws Exception {
        String pid = Long.toString(target.pid());
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        int bytes = t.exec(List.of(jcmd, "-l"), new byte[0], plan.timeout(), plan.outputCap()).stdout().length;
        bytes += t.exec(List.of("cat", "/proc/" + pid + "/status"), new byte[0], plan.timeout(), plan.outputCap()).stdout().length;
        for (JcmdCommand c : plan.commands()) {
            List<String> argv = new ArrayList<>(List.of(jcmd, pid));
            argv.addAll(List.of(c.command().split(" ")));
            bytes += t.exec(argv, new byte[0], plan.timeout(), plan.outputCap()).stdout().length;
        }
        return bytes;
    }
}
