package dev.sage.parse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns captured bytes into text: UTF-8 (with or without BOM), UTF-16 with BOM or without (as Windows
 * PowerShell redirects write it), and ISO-8859-1 for anything that is not valid UTF-8 (old dumps whose header
 * carries a local-language date). Line endings are kept; every parser accepts CRLF.
 */
public final class TextDecoder {
    private TextDecoder() {}

    public static String decode(byte[] bytes) {
        int n = bytes.length;
        if (n >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            return utf8OrLatin1(bytes, 3);
        }
        if (n >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
            return new String(bytes, 2, n - 2, StandardCharsets.UTF_16LE);
        }
        if (n >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            return new String(bytes, 2, n - 2, StandardCharsets.UTF_16BE);
        }
        if (n >= 4 && bytes[1] == 0 && bytes[3] == 0 && bytes[0] != 0 && bytes[2] != 0) {
            return new String(bytes, StandardCharsets.UTF_16LE);
        }
        if (n >= 4 && bytes[0] == 0 && bytes[2] == 0 && bytes[1] != 0 && bytes[3] != 0) {
            return new String(bytes, StandardCharsets.UTF_16BE);
        }
        return utf8OrLatin1(bytes, 0);
    }

    private static String utf8OrLatin1(byte[] bytes, int offset) {
        boolean ascii = true;
        for (int i = offset; i < bytes.length; i++) {
            if (bytes[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, offset, bytes.length - offset, StandardCharsets.ISO_8859_1);
        }
        // a capture cut at an output cap may end inside a multi-byte character: drop that tail, not the encoding
        for (int cut = 0; cut <= 3 && cut <= bytes.length - offset; cut++) {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset - cut))
                        .toString();
            } catch (CharacterCodingException e) {
                // try without one more trailing byte
            }
        }
        return new String(bytes, offset, bytes.length - offset, StandardCharsets.ISO_8859_1);
    }

    /** More than this share of control characters (NUL, ESC, ...; not tab, CR, LF, FF) is not text. */
    static final double MAX_CONTROL_SHARE = 0.01;

    /**
     * Why decoded text is binary data rather than a capture (random bytes, a jar, a heap dump, {@code lib/modules}), or
     * null when it is text. Looks at up to 256 KiB spread over the text, so a large input costs no more to check.
     */
    public static String binaryReason(String text) {
        int n = text.length();
        if (n == 0) {
            return null;
        }
        int window = 4096;
        int windows = 64;
        long seen = 0;
        long controls = 0;
        long nuls = 0;
        for (int w = 0; w < windows; w++) {
            int start = n <= window * windows ? w * window : (int) ((long) (n - window) * w / (windows - 1));
            if (start >= n) {
                break;
            }
            int end = Math.min(n, start + window);
            for (int i = start; i < end; i++) {
                char c = text.charAt(i);
                seen++;
                if (c == 0) {
                    nuls++;
                    controls++;
                } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f) {
                    controls++;
                }
            }
        }
        if (controls > seen * MAX_CONTROL_SHARE) {
            return String.format(java.util.Locale.ROOT, "is binary data, not the text of a capture (%.1f %% control"
                    + " characters%s): Sage reads what jcmd, jstack and /proc print", 100.0 * controls / seen,
                    nuls > 0 ? ", " + nuls + " NUL bytes" : "");
        }
        return null;
    }
}
