package dev.sage.diagnosis;

/** How bad a finding is. A healthy JVM gets no finding above {@link #INFO}. */
public enum Severity {
    CRITICAL, WARNING, INFO;

    /** The lower-case name used in JSON and chat: {@code critical}, {@code warning}, {@code info}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
