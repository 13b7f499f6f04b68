package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A probe sends enough requests for its p99 to rest on more than its one or two slowest; each
 * policy is held to the higher ceiling reading next to it. At a fixed rate, every policy takes
 * each place in a round's order, and the summary counts the probes that held.
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

    @Test
    void order_overAsManyRoundsAsPolicies_putsEachPolicyInEachPlaceOnce() {
        List<String> policies = List.of("none", "window:10ms", "slo");
        List<Set<String>> byPlace = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            byPlace.add(new HashSet<>());
        }
        for (int round = 0; round < policies.size(); round++) {
            List<String> order = PolicySweep.order(policies, round);
            assertEquals(Set.copyOf(policies), Set.copyOf(order), "round " + round + " runs every policy once");
            for (int place = 0; place < order.size(); place++) {
                byPlace.get(place).add(order.get(place));
            }
        }
        byPlace.forEach(p -> assertEquals(Set.copyOf(policies), p));
        assertEquals(policies, PolicySweep.order(policies, 0));
        assertEquals(List.of("window:10ms", "slo", "none"), PolicySweep.order(policies, 4));
    }

    @Test
    void rounds_countHoldingProbesAndTakeMediansOverTheRounds() {
        PolicySweep.Rounds r = new PolicySweep.Rounds(PolicySweep.Policy.parse("slo"), List.of(
                probe(42.0, 0, 30), probe(61.0, 0, 40), probe(48.0, 20, 50), probe(35.0, 5, 20)));

        // 42 ms/0 shed and 35 ms/0.5% hold; 61 ms fails on p99 and 48 ms on 2% shed.
        assertEquals(2, r.holds(50, 0.01));
        assertEquals((42.0 + 48.0) / 2, r.medianP99Ms(), 1e-9);
        assertEquals((0.0 + 0.005) / 2, r.medianShed(), 1e-9);
        assertEquals(35.0, r.medianRowsPerRun(), 1e-9);
        // answered 100, 100, 98 and 99.5 req/s: 800, 800, 784 and 796 rows/s
        assertEquals((796.0 + 800.0) / 2, r.medianRowsPerSecond(8), 1e-9);
        assertTrue(Double.isNaN(RawBenchCommand.median(new double[0])));
        assertEquals(3.0, RawBenchCommand.median(new double[] {5, 1, 3}), 1e-9);
    }

    /** A 10 s probe of 1,000 requests with {@code shedPerMille} shed. */
    private static LoadResult probe(double p99Ms, int shedPerMille, double rowsPerRun) {
        long shed = shedPerMille;
        return new LoadResult("scorer-slo", 100, 10, 1000, 1000 - shed, shed, 0, (1000 - shed) / 10.0, p99Ms / 2, p99Ms,
                p99Ms * 1.2, rowsPerRun, 8, 0);
    }
}
