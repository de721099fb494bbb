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
}
