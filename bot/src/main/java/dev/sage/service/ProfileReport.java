package dev.sage.service;

import dev.sage.profile.Profile;

import java.time.Duration;
import java.util.Optional;

/**
 * A profile of one JVM: what its flight recording shows, and the recording itself (for the person who wants to open it
 * in JDK Mission Control).
 *
 * @param target the JVM, as a diagnosis names it ({@code local pid 4242 (com.example.Orders)})
 * @param jfr the recording file's bytes
 * @param existing the recording the JVM was already making, dumped instead of starting one; empty when Sage recorded
 * @param took the recording's exec, its duration included
 */
public record ProfileReport(String target, Profile profile, byte[] jfr, Optional<String> existing, Duration took) {}
