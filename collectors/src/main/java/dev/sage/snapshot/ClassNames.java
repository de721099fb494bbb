package dev.sage.snapshot;

/** Turns JVM descriptor spellings of class names into the form people read. */
final class ClassNames {
    private ClassNames() {}

    static String readable(String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0 || dims == name.length()) {
            return name;
        }
        String element = switch (name.charAt(dims)) {
            case 'B' -> "byte";
            case 'C' -> "char";
            case 'D' -> "double";
            case 'F' -> "float";
            case 'I' -> "int";
            case 'J' -> "long";
            case 'S' -> "short";
            case 'Z' -> "boolean";
            case 'L' -> name.endsWith(";") ? name.substring(dims + 1, name.length() - 1) : name.substring(dims + 1);
            default -> null;
        };
        if (element == null) {
            return name;
        }
        return element + "[]".repeat(dims);
    }
}
