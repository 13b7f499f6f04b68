package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GcPausesTest {
    /** Notifications arrive on a JVM service thread, a little after the pause. */
    private static void awaitCount(GcPauses w, int atLeast) throws InterruptedException {
        for (int i = 0; i < 500 && w.count() < atLeast; i++) {
            Thread.sleep(10);
        }
    }

    @Test
    void countsAStopTheWorldCollection_andNothingAfterClose() throws Exception {
        GcPauses w = GcPauses.start();
        System.gc(); // a full, stop-the-world collection
        awaitCount(w, 1);
        w.close();
        int counted = w.count();
        assertTrue(counted >= 1, "no pause counted: " + w);
        assertTrue(w.totalMs() >= w.longestMs(), w.toString());

        System.gc();
        Thread.sleep(300);
        assertEquals(counted, w.count(), "a closed window went on counting");
    }

    @Test
    void windows_countIndependently() throws Exception {
        GcPauses outer = GcPauses.start();
        System.gc();
        awaitCount(outer, 1);
        GcPauses inner = GcPauses.start();
        System.gc();
        awaitCount(inner, 1);
        inner.close();
        outer.close();
        assertTrue(inner.count() >= 1, inner.toString());
        // the outer window saw everything the inner one did, and the collection before it opened
        assertTrue(outer.count() >= inner.count() + 1, outer + " / " + inner);
    }

    @Test
    void describesItself() {
        GcPauses w = GcPauses.start();
        w.close();
        w.add(12);
        w.add(3);
        assertEquals("2 GC pauses, longest 12 ms, 15 ms in all", w.toString());
    }
}
