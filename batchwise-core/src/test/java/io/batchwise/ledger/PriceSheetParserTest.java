package io.batchwise.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.model.InvalidConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceSheetParserTest {
    private static final String VALID = """
            currency: EUR
            idle_policy: proportional
            pools:
              small:
                price_per_hour: 0.2
                category: spot
                slots: 4
            """;

    @Test
    void builtIn_hasDefaultPoolAndOneOfEachCategory() {
        PriceSheet sheet = PriceSheet.builtIn();
        assertEquals("USD", sheet.currency());
        assertEquals(IdlePolicy.INTERACTIVE, sheet.idlePolicy());
        assertEquals(PricingCategory.ON_DEMAND, sheet.pool("cpu-on-demand").orElseThrow().category());
        assertEquals(PricingCategory.SPOT, sheet.pool("cpu-spot").orElseThrow().category());
        assertEquals(PricingCategory.RESERVED, sheet.pool("cpu-reserved").orElseThrow().category());
        assertTrue(sheet.pool("cpu-spot").orElseThrow().pricePerHour()
                < sheet.pool("cpu-on-demand").orElseThrow().pricePerHour());
    }

    @Test
    void parse_validSheet_readsEveryField() {
        PriceSheet sheet = PriceSheetParser.parse(VALID, "p.yaml");
        assertEquals("EUR", sheet.currency());
        assertEquals(IdlePolicy.PROPORTIONAL, sheet.idlePolicy());
        Pool small = sheet.pool("small").orElseThrow();
        assertEquals(new Pool("small", 0.2, PricingCategory.SPOT, 4), small);
        assertEquals(0.05, small.ratePerHour(1), 1e-15);
        assertEquals(0.1, small.ratePerHour(2), 1e-15);
    }

    @Test
    void read_file_parsesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pricing.yaml");
        Files.writeString(file, VALID);
        assertEquals(Set.of("small"), PriceSheetParser.read(file).pools().keySet());
    }

    @Test
    void read_missingFile_namesTheFile(@TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");
        InvalidConfig e = assertThrows(InvalidConfig.class, () -> PriceSheetParser.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty file | '' | pools:",
        "not yaml | 'pools: [a' | not valid YAML",
        "no pools | 'currency: USD' | pools: is required",
        "pools not a mapping | 'pools: [a, b]' | pools: must be a mapping",
        "unknown top field | 'pool: {}' | pool: unknown field",
        "missing price | 'pools: {a: {category: spot, slots: 1}}' | pools.a.price_per_hour: is required",
        "price not a number | 'pools: {a: {price_per_hour: cheap, category: spot, slots: 1}}' | pools.a.price_per_hour: must be a number",
        "negative price | 'pools: {a: {price_per_hour: -1, category: spot, slots: 1}}' | pools.a.price_per_hour: must be a finite number >= 0",
        "bad category | 'pools: {a: {price_per_hour: 1, category: cheap, slots: 1}}' | pools.a.category: must be on-demand, spot or reserved",
        "missing category | 'pools: {a: {price_per_hour: 1, slots: 1}}' | pools.a.category: is required",
        "zero slots | 'pools: {a: {price_per_hour: 1, category: spot, slots: 0}}' | pools.a.slots: must be >= 1",
        "fractional slots | 'pools: {a: {price_per_hour: 1, category: spot, slots: 1.5}}' | pools.a.slots: must be an integer",
        "unknown pool field | 'pools: {a: {price_per_hour: 1, category: spot, slots: 1, cores: 2}}' | pools.a.cores: unknown field",
        "bad pool name | 'pools: {\"a b\": {price_per_hour: 1, category: spot, slots: 1}}' | pool name must be",
        "bad idle policy | 'idle_policy: nobody\npools: {a: {price_per_hour: 1, category: spot, slots: 1}}' | idle_policy: must be interactive, proportional or separate",
        "bad currency | 'currency: dollars\npools: {a: {price_per_hour: 1, category: spot, slots: 1}}' | currency: must be a three-letter",
        "duplicate pool | 'pools:\n  a: {price_per_hour: 1, category: spot, slots: 1}\n  a: {price_per_hour: 2, category: spot, slots: 1}' | Duplicate field 'a'",
    })
    void parse_invalidSheet_errorNamesTheField(String name, String yaml, String expected) {
        InvalidConfig e = assertThrows(InvalidConfig.class, () -> PriceSheetParser.parse(yaml, "pricing.yaml"));
        assertTrue(e.getMessage().startsWith("pricing.yaml: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }
}
