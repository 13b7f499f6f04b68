package io.batchwise.cost;

import io.batchwise.http.Routes;
import io.batchwise.ledger.CostLedger;
import io.batchwise.ledger.LedgerStore;
import io.batchwise.ledger.PriceSheet;
import io.batchwise.ledger.PriceSheetParser;
import io.batchwise.model.InvalidConfig;
import io.batchwise.model.ModelConfig;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.schedule.Ticker;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The server's cost accounting: the price sheet, the ledger with its history in the data
 * directory ({@code ledger.db}), a periodic save, and the {@code /v1/cost} routes. Closing it
 * saves the last changes; close it after the scheduler, so instances have stopped.
 */
public final class CostService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CostService.class.getName());
    /** How often changed buckets are saved; a crash loses at most this much accounting. */
    static final long FLUSH_SECONDS = 10;

    private final CostLedger ledger;
    private final ScheduledExecutorService flusher;
    private boolean closed;

    private CostService(CostLedger ledger, ScheduledExecutorService flusher) {
        this.ledger = ledger;
        this.flusher = flusher;
    }

    /**
     * Opens the accounting.
     *
     * @param pricing price sheet file, or null for the built-in sheet
     * @param data    the state directory holding {@code ledger.db}, or null to keep history in memory
     */
    public static CostService open(Path pricing, Path data, Ticker ticker, Clock clock) {
        PriceSheet sheet = pricing == null ? PriceSheet.builtIn() : PriceSheetParser.read(pricing);
        CostLedger ledger = data == null ? CostLedger.inMemory(sheet, ticker, clock)
                : CostLedger.open(sheet, ticker, clock, LedgerStore.sqlite(data.resolve("ledger.db")),
                CostLedger.DEFAULT_BUCKET);
        if (data == null) {
            return new CostService(ledger, null);
        }
        ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "batchwise-ledger-flush");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(() -> {
            try {
                ledger.flush();
            } catch (RuntimeException e) {
                LOG.warning("ledger flush failed: " + e);
            }
        }, FLUSH_SECONDS, FLUSH_SECONDS, TimeUnit.SECONDS);
        return new CostService(ledger, flusher);
    }

    /**
     * Rejects models whose {@code pool} is not on the price sheet, naming the model, the pool and
     * the pools there are.
     */
    public void checkPools(Collection<LoadedModel> models) {
        for (LoadedModel m : models) {
            ModelConfig config = m.config();
            if (config != null && ledger.priceSheet().pool(config.pool()).isEmpty()) {
                throw new InvalidConfig("model '" + m.name() + "': pool: '" + config.pool()
                        + "' is not on the price sheet (pools: " + String.join(", ", ledger.priceSheet().pools().keySet())
                        + "); add it with --pricing FILE or use one of those");
            }
        }
    }

    /** The ledger: a scheduler listener, a metrics source, and the Java API (e.g. {@code costOfJob}). */
    public CostLedger ledger() {
        return ledger;
    }

    /** {@code GET /v1/cost}. */
    public Routes routes() {
        return new CostRoutes(ledger);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (flusher != null) {
            flusher.shutdown();
            try {
                flusher.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ledger.close();
    }
}
