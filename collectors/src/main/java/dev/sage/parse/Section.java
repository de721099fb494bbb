package dev.sage.parse;

/**
 * A run of text of one kind inside a larger text: a capture file may hold several (a thread dump followed
 * by a histogram, two {@code kill -3} dumps in a log).
 *
 * @param kind what it is
 * @param start offset of its first character
 * @param end offset after its last character
 * @param line 1-based line number of its first line
 * @param pid the pid from the {@code <pid>:} line jcmd printed before it, or -1
 */
public record Section(Kind kind, int start, int end, int line, long pid) {}
