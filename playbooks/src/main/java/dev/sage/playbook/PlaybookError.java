package dev.sage.playbook;

/**
 * Why a playbook file was refused: the file, the line, the key and the reason.
 *
 * @param line 1-based, or 0 when the problem is the whole file
 * @param key the key path, e.g. {@code when[0].threads_waiting_on_same_lock.min}, or empty
 */
public record PlaybookError(String file, int line, String key, String reason) {
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (key.isEmpty() ? "" : key + ": ") + reason;
    }
}
