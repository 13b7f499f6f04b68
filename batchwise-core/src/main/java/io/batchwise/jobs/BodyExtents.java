package io.batchwise.jobs;

import java.util.Arrays;

/**
 * Where each line's body lies within the line, as validation found it, so that the run of the
 * same file need not look for it again (a scan of the whole line: about 2.7 us per line of
 * 1,024 floats in a scratch timing, not a command in the repo). Kept for the first {@link #MAX_LINES} lines (8 bytes
 * each); a line past them, or one whose body validation did not find, is looked at again.
 */
final class BodyExtents {
    static final int MAX_LINES = 1 << 20;

    /** [start, end) of line i's body at 2i and 2i + 1; -1 where unknown. */
    private int[] spans = new int[0];

    /** Records line {@code index}'s body (0-based, blank lines not counted), or null when not found. */
    void put(long index, int[] body) {
        if (index >= MAX_LINES) {
            return;
        }
        int at = (int) index * 2;
        if (at + 1 >= spans.length) {
            int grown = Math.max(1024, Math.min(2 * MAX_LINES, spans.length * 2));
            int old = spans.length;
            spans = Arrays.copyOf(spans, Math.max(grown, at + 2));
            Arrays.fill(spans, old, spans.length, -1);
        }
        spans[at] = body == null ? -1 : body[0];
        spans[at + 1] = body == null ? -1 : body[1];
    }

    /** Line {@code index}'s body as {@link #put} recorded it, or null when unknown. */
    int[] get(long index) {
        long at = index * 2;
        if (at + 1 >= spans.length || spans[(int) at] < 0) {
            return null;
        }
        return new int[] {spans[(int) at], spans[(int) at + 1]};
    }
}
