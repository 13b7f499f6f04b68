package io.batchwise.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class BodyExtentsTest {
    @Test
    void get_whatWasPut_andNullForUnknownOrUnrecordedLines() {
        BodyExtents e = new BodyExtents();
        e.put(0, new int[] {10, 20});
        e.put(1, null);
        e.put(5000, new int[] {7, 9000});
        assertArrayEquals(new int[] {10, 20}, e.get(0));
        assertNull(e.get(1), "validation did not find this body");
        assertNull(e.get(2), "a line between recorded ones");
        assertArrayEquals(new int[] {7, 9000}, e.get(5000));
        assertNull(e.get(5001), "past the last recorded line");
    }

    @Test
    void put_pastTheLimit_isNotKept() {
        BodyExtents e = new BodyExtents();
        e.put(BodyExtents.MAX_LINES - 1L, new int[] {1, 2});
        e.put(BodyExtents.MAX_LINES, new int[] {3, 4});
        assertArrayEquals(new int[] {1, 2}, e.get(BodyExtents.MAX_LINES - 1L));
        assertNull(e.get(BodyExtents.MAX_LINES));
    }
}
