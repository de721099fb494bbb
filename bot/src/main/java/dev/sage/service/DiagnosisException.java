package dev.sage.service;

import dev.sage.collect.Remedy;
import dev.sage.transport.CollectionException;

import java.util.List;

/**
 * Why a diagnosis could not be made, typed so that each front end can answer in its own way: a message a person can
 * act on, what they can do next as data ({@link #remedies()}), and names close to what they asked for
 * ({@link #candidates()}, for "did you mean").
 */
public final class DiagnosisException extends Exception {
    public enum Kind {
        /** The request does not make sense (a bad name, options that do not fit the target). */
        BAD_REQUEST,
        /** The request names something this Sage is not configured to touch. */
        NOT_ALLOWED,
        /** Nothing in the captures could be read. */
        NOTHING_READ,
        // collection failures, one for each CollectionException.Kind, with the same meaning
        COMMAND_NOT_FOUND, TIMEOUT, UNREACHABLE, PERMISSION, TARGET_GONE, UNSUPPORTED
    }

    private final Kind kind;
    private final List<Remedy> remedies;
    private final List<String> candidates;

    public DiagnosisException(Kind kind, String message) {
        this(kind, message, null, List.of(), List.of());
    }

    public DiagnosisException(Kind kind, String message, Throwable cause, List<Remedy> remedies, List<String> candidates) {
        super(message, cause);
        this.kind = kind;
        this.remedies = List.copyOf(remedies);
        this.candidates = List.copyOf(candidates);
    }

    /** A collection failure, with its kind, remedies and candidates kept. */
    static DiagnosisException of(CollectionException e) {
        return new DiagnosisException(Kind.valueOf(e.kind().name()), e.getMessage(), e, e.remedies(), e.candidates());
    }

    public Kind kind() {
        return kind;
    }

    public List<Remedy> remedies() {
        return remedies;
    }

    public List<String> candidates() {
        return candidates;
    }
}
