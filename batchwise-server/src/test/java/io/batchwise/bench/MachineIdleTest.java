package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MachineIdleTest {
    @Test
    void idleShareUntil_countsIdleAndIowaitOverEveryStateButGuest() {
        MachineIdle a = MachineIdle.parse("cpu  100 0 50 800 50 0 0 0 999 999");
        MachineIdle b = MachineIdle.parse("cpu  400 0 150 1300 50 0 0 100 1999 999");

        // 1000 ticks went by (300 user, 100 system, 500 idle, 100 steal); guest is part of user
        assertEquals(0.5, a.idleShareUntil(b), 1e-12);
    }

    @Test
    void idleShareUntil_noTimePassedOrNoProcStat_isNaN() {
        MachineIdle a = MachineIdle.parse("cpu  100 0 50 800 50 0 0 0");

        assertTrue(Double.isNaN(a.idleShareUntil(a)));
    }

    @Test
    void parse_aPerCoreLine_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> MachineIdle.parse("cpu0 1 2 3 4 5 6 7 8"));
    }

    @Test
    void read_onLinux_isBetweenZeroAndOneOverASpan() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/stat")), "not Linux");
        MachineIdle a = MachineIdle.read();
        Thread.sleep(200);
        double share = a.idleShareUntil(MachineIdle.read());

        assertTrue(share >= 0 && share <= 1, "share " + share);
    }
}
