package dev.sage.cli;

/** Exit codes of every command. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOTHING_ANALYSED = 3;

    private ExitCodes() {}

    /** A failed diagnosis: bad usage when the request itself was wrong, else nothing could be analysed. */
    static int of(dev.sage.service.DiagnosisException e) {
        return e.kind() == dev.sage.service.DiagnosisException.Kind.BAD_REQUEST ? USAGE : NOTHING_ANALYSED;
    }
}
