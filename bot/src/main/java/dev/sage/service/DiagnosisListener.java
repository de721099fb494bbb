package dev.sage.service;

/**
 * Told how a diagnosis goes while it runs, so that a front end can show progress and the first judgement before the
 * last round is in. Called on the thread running the diagnosis; implementations must return quickly. An exception
 * thrown here is swallowed: progress must never cost the diagnosis.
 */
public interface DiagnosisListener {
    DiagnosisListener NONE = new DiagnosisListener() {};

    /** A step was reached: {@code pod payments-7d9f8-x2kq found in prod}, {@code JVM pid 1 (PaymentApp) as uid 1000}. */
    default void step(String what) {}

    /**
     * Round {@code round} of {@code rounds} is in, and {@code soFar} is what it allows to be judged: deadlocks,
     * contention and pile-ups from the first round, growth and "stuck" once there are two.
     */
    default void roundJudged(int round, int rounds, Report soFar) {}
}
