package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A probe sends enough requests for its p99 to rest on more than its one or two slowest; each
 * policy is held to the higher ceiling reading next to it.
 */
class PolicySweepTest {
    @Test
    void besideEach_readingsAroundThreePolicies_eachTakesTheHigherOfItsTwoNeighbours() {
        double[] beside = PolicySweep.besideEach(new double[] {5000, 6000, 4500, 4800});

        assertArrayEquals(new double[] {6000, 6000, 4800}, beside);
    }

    @Test
    void besideEach_onePolicy_isTheHigherOfBeforeAndAfter() {
        assertArrayEquals(new double[] {5300}, PolicySweep.besideEach(new double[] {5300, 4900}));
    }

    @ParameterizedTest
    @CsvSource({"3000, 50, 20000", "3000, 100, 10000", "3000, 400, 3000", "3000, 1000, 3000", "30000, 50, 30000"})
    void probeDuration_lowRates_runUntilAThousandRequests(long probeMillis, double rate, long expectedMillis) {
        Duration d = PolicySweep.probeDuration(Duration.ofMillis(probeMillis), rate);

        assertEquals(expectedMillis, d.toMillis());
        assertTrue(d.toMillis() / 1000.0 * rate >= PolicySweep.MIN_PROBE_REQUESTS || d.toMillis() == probeMillis);
    }
}
