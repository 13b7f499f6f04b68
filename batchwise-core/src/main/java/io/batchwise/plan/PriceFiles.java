package io.batchwise.plan;

import io.batchwise.ledger.PriceSheet;
import io.batchwise.ledger.PriceSheetParser;
import java.nio.file.Path;
import java.util.List;

/** The planner's view of the ledger's price sheet ({@code --pricing FILE}, or the built-in one). */
public final class PriceFiles {
    private PriceFiles() {
    }

    /** The built-in sheet of the ledger. */
    public static PlanPrices builtIn() {
        return of(PriceSheet.builtIn());
    }

    /** Reads a price sheet file; errors name the file and the field. */
    public static PlanPrices read(Path file) {
        return of(PriceSheetParser.read(file));
    }

    public static PlanPrices of(PriceSheet sheet) {
        List<PlanPrices.Pool> pools = sheet.pools().values().stream()
                .map(p -> new PlanPrices.Pool(p.name(), p.pricePerHour(), p.category().label(), p.slots()))
                .toList();
        return PlanPrices.of(sheet.currency(), pools);
    }
}
