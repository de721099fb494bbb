package dev.sage.parse;

import java.util.ArrayList;
import java.util.List;

/** Splits text into lines without their terminators ({@code \n} or {@code \r\n}). */
final class Lines {
    private Lines() {}

    static List<String> of(String text) {
        List<String> lines = new ArrayList<>();
        int pos = 0;
        int n = text.length();
        while (pos < n) {
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? n : nl;
            int e = end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end;
            lines.add(text.substring(pos, e));
            pos = nl < 0 ? n : nl + 1;
        }
        return lines;
    }

    /** True when {@code line} is {@code <digits>:} alone: the first line of every jcmd answer. */
    static boolean isPidLine(String line) {
        int n = line.length();
        if (n < 2 || line.charAt(n - 1) != ':') {
            return false;
        }
        for (int i = 0; i < n - 1; i++) {
            if (!Character.isDigit(line.charAt(i))) {
                return false;
            }
        }
        return n - 1 <= 10;
    }
}
