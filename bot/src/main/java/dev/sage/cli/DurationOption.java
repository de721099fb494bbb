package dev.sage.cli;

import dev.sage.config.Durations;
import picocli.CommandLine;

import java.time.Duration;

/** Reads a duration option ({@code 10s}, {@code 500ms}, {@code 2m}) with {@link Durations}. */
final class DurationOption implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
