package dev.sage.cli;

/** Exit codes of every command. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOTHING_ANALYSED = 3;

    private ExitCodes() {}
}
