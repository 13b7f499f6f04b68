package io.batchwise.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.batchwise.ledger.CostQuery;
import io.batchwise.ledger.IdlePolicy;
import io.batchwise.schedule.ServiceClass;
import io.batchwise.tensor.InvalidInput;
import io.vertx.core.MultiMap;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CostRoutesTest {
    @ParameterizedTest
    @CsvSource({
        "2026-03-02T10:15:30Z, 2026-03-02T10:15:30Z",
        "2026-03-02, 2026-03-02T00:00:00Z",
        "1772446530, 2026-03-02T10:15:30Z",
        "2026-03-02T12:15:30+02:00, 2026-03-02T10:15:30Z",
    })
    void time_acceptedForms_parseToTheInstant(String text, String expected) {
        assertEquals(Instant.parse(expected), CostRoutes.time("from", text));
    }

    @Test
    void parse_allParameters_buildTheQuery() {
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("model", "tiny").add("class", "BULK")
                .add("from", "2026-03-01").add("to", "2026-03-02").add("idle_policy", "separate");
        assertEquals(new CostQuery("tiny", ServiceClass.BULK, Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-03-02T00:00:00Z"), IdlePolicy.SEPARATE), CostRoutes.parse(params));
    }

    @Test
    void parse_noParameters_isEverything() {
        CostQuery q = CostRoutes.parse(MultiMap.caseInsensitiveMultiMap());
        assertNull(q.model());
        assertNull(q.from());
        assertNull(q.idlePolicy());
    }

    @Test
    void parse_emptyModel_isInvalid() {
        assertThrows(InvalidInput.class, () -> CostRoutes.parse(MultiMap.caseInsensitiveMultiMap().add("model", " ")));
    }

    @Test
    void focusCsv_escape_quotesCommasAndQuotes() {
        assertEquals("plain", FocusCsv.escape("plain"));
        assertEquals("\"a,b\"", FocusCsv.escape("a,b"));
        assertEquals("\"{\"\"k\"\":1}\"", FocusCsv.escape("{\"k\":1}"));
        assertEquals("Dynamic", FocusCsv.focusCategory("spot"));
        assertEquals("Committed", FocusCsv.focusCategory("reserved"));
        assertEquals("Standard", FocusCsv.focusCategory("on-demand"));
        assertEquals("Other", FocusCsv.focusCategory(null));
    }
}
