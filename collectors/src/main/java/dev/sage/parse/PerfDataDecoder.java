package dev.sage.parse;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads a HotSpot performance data file ({@code /tmp/hsperfdata_USER/PID}, the memory {@code jstat} and
 * {@code jcmd PerfCounter.print} read) into {@code PerfCounter.print}'s text: one {@code name=value} line per
 * counter, strings in double quotes. Only the counters {@link PerfCounterParser} keeps are written. Pure.
 *
 * <p>The layout (version 2, HotSpot's {@code perfMemory.hpp}): a prologue (magic {@code CAFEC0C0}, byte order,
 * version, the used size, the offset and count of entries), then entries of a length, a name offset, a vector
 * length (0 for a number), a type ({@code J} long, {@code B} bytes), and a data offset.
 */
public final class PerfDataDecoder {
    private PerfDataDecoder() {}

    private static final int MAGIC = 0xCAFEC0C0;

    /** The counters as text; a file that is not performance data, or is cut, is a {@link CaptureFormatException}. */
    public static String toText(byte[] data) {
        if (data.length < 32) {
            throw new CaptureFormatException(0, "", "the performance data file is empty or cut (" + data.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN);
        if (b.getInt(0) != MAGIC) {
            throw new CaptureFormatException(0, "", "not a HotSpot performance data file (no CAFEC0C0 magic)");
        }
        b.order(data[4] == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        if (data[5] != 2) {
            throw new CaptureFormatException(0, "", "performance data version " + data[5] + " is not supported (2 is)");
        }
        int used = Math.max(0, Math.min(b.getInt(8), data.length));
        int offset = b.getInt(24);
        int entries = b.getInt(28);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < entries && offset > 0 && offset <= used - 20; i++) {
            int length = b.getInt(offset);
            int nameOffset = b.getInt(offset + 4);
            int vectorLength = b.getInt(offset + 8);
            byte type = data[offset + 12];
            int dataOffset = b.getInt(offset + 16);
            if (length <= 0 || length > used - offset || nameOffset <= 0 || nameOffset >= length || dataOffset <= 0
                    || dataOffset >= length) {
                break; // an entry being written, or a cut file: what came before stands
            }
            String name = cString(data, offset + nameOffset, offset + length);
            if (PerfCounterParser.kept(name)) {
                int at = offset + dataOffset;
                if (vectorLength == 0 && type == 'J' && dataOffset <= length - 8) {
                    out.append(name).append('=').append(b.getLong(at)).append('\n');
                } else if (type == 'B' && vectorLength > 0) {
                    out.append(name).append("=\"").append(cString(data, at, offset + Math.min(length, dataOffset + Math.min(vectorLength, length))))
                            .append("\"\n");
                }
            }
            offset += length;
        }
        if (out.isEmpty()) {
            throw new CaptureFormatException(0, "", "the performance data file holds none of the counters Sage reads");
        }
        return out.toString();
    }

    private static String cString(byte[] data, int from, int limit) {
        if (from < 0 || from >= data.length) {
            return "";
        }
        int end = from;
        while (end < limit && end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, from, Math.max(0, end - from), StandardCharsets.UTF_8);
    }
}
