package io.batchwise.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "250us, 250000",
            "250µs, 250000",
            "50ms, 50000000",
            "1.5ms, 1500000",
            "2s, 2000000000",
            "5m, 300000000000",
            "24h, 86400000000000",
            "7d, 604800000000000",
            "' 10 MS ', 10000000",
            "0ms, 0"})
    void parse_eachUnit_givesNanos(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), Durations.parse("f", text));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"250us", "50ms", "1500us", "2s", "3h", "7d", "0ms"})
    void format_thenParse_givesTheSameDuration(String text) {
        Duration d = Durations.parse("f", text);
        assertEquals(text, Durations.format(d));
        assertEquals(d, Durations.parse("f", Durations.format(d)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "ms", "50", "-5ms", "5 weeks", "1e3ms", "5ms5"})
    void parse_notADuration_throwsNamingFieldAndValue(String text) {
        InvalidConfig e = assertThrows(InvalidConfig.class, () -> Durations.parse("latency_target", text));
        assertTrue(e.getMessage().startsWith("latency_target:"), e.getMessage());
        assertTrue(e.getMessage().contains("(got " + text + ")"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void parse_null_throwsNamingField() {
        InvalidConfig e = assertThrows(InvalidConfig.class, () -> Durations.parse("batching.max_queue_delay", null));
        assertTrue(e.getMessage().startsWith("batching.max_queue_delay:"), e.getMessage());
    }
}
