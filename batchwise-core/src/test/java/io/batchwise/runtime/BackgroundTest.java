package io.batchwise.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The kernel's own view of a lowered thread, read from {@code /proc/thread-self/sched}. */
class BackgroundTest {
    private static final Path SCHED = Path.of("/proc/thread-self/sched");
    private static final int SCHED_IDLE = 5;
    private static final int NICE_19_PRIO = 139;

    @Test
    void lowerCurrentThread_onLinux_putsOnlyThatThreadAtBackgroundPriority() throws Exception {
        assumeTrue(Files.isReadable(SCHED), "not Linux");
        AtomicReference<int[]> lowered = new AtomicReference<>();
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            result.set(Background.lowerCurrentThread());
            lowered.set(policyAndPrio());
        });
        t.start();
        t.join(30_000);

        assertTrue(result.get(), "lowered");
        int[] after = lowered.get();
        assertTrue(after[0] == SCHED_IDLE || after[1] == NICE_19_PRIO,
                "SCHED_IDLE or nice 19, got policy " + after[0] + " prio " + after[1]);
        assertEquals(0, policyAndPrio()[0], "the calling thread of the test keeps its policy");
    }

    private static int[] policyAndPrio() {
        int policy = -1;
        int prio = -1;
        try {
            for (String line : Files.readAllLines(SCHED)) {
                String[] kv = line.split(":");
                if (kv.length == 2 && kv[0].trim().equals("policy")) {
                    policy = Integer.parseInt(kv[1].trim());
                } else if (kv.length == 2 && kv[0].trim().equals("prio")) {
                    prio = Integer.parseInt(kv[1].trim());
                }
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return new int[] {policy, prio};
    }
}
