package dev.sage.check;

import java.util.List;

/**
 * A typed parameter of a check.
 *
 * @param name as written in a playbook file
 * @param type what values it takes
 * @param defaultValue the value when a playbook does not give one, or null when it must
 * @param description one line for {@code sage playbooks list}
 */
public record Param(String name, Type type, Object defaultValue, String description) {

    public enum Type {
        /** A whole number (a YAML integer). */
        INT,
        /** A number, whole or not. */
        NUMBER,
        /** A size: a number of bytes or {@code 512MB}, {@code 1GiB}. */
        BYTES,
        STRING,
        /** A list of strings, or one string. */
        STRINGS,
        BOOL;

        public String describe() {
            return switch (this) {
                case INT -> "a whole number";
                case NUMBER -> "a number";
                case BYTES -> "a size (bytes, or like 512MB)";
                case STRING -> "a string";
                case STRINGS -> "a list of strings";
                case BOOL -> "true or false";
            };
        }
    }

    public static Param optional(String name, Type type, Object defaultValue, String description) {
        return new Param(name, type, defaultValue, description);
    }

    public static Param required(String name, Type type, String description) {
        return new Param(name, type, null, description);
    }

    /** Convenience for list defaults. */
    public static List<String> strings(String... values) {
        return List.of(values);
    }
}
