package io.batchwise.ledger;

import io.batchwise.ledger.CostReport.KeyCost;
import io.batchwise.ledger.CostReport.ModelCost;
import io.batchwise.metrics.MetricsSource;
import io.batchwise.runtime.ModelNotFound;
import io.batchwise.schedule.RunRecord;
import io.batchwise.schedule.SchedulerListener;
import io.batchwise.schedule.ServiceClass;
import io.batchwise.schedule.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Measured cost per prediction. Every model instance is an account that accrues provisioned time
 * from {@code onInstanceStarted} to {@code onInstanceStopped} at its rate (pool price x the slots
 * it occupies / the pool's slots); every run's busy time is split over its rows — per class, per
 * client tag, per batch job. Reports divide what the capacity really cost, idle time included, by
 * the rows it really served (see {@link ReportBuilder} for the attribution rules).
 *
 * <p>Time comes only from the injected {@link Ticker}; the wall clock is read once, at
 * construction, to place ticker readings in time-of-day buckets (a minute by default) for
 * from/to queries and for the store. Usage is kept per bucket; the last few seconds of changes
 * reach the store on {@link #flush()} (the server calls it periodically and at close).
 *
 * <p>The run path takes only the run's instance account monitor (no global lock) and allocates
 * nothing per row.
 */
public final class CostLedger implements SchedulerListener, MetricsSource, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CostLedger.class.getName());
    /** The default bucket: the resolution of from/to queries and of the stored history. */
    public static final Duration DEFAULT_BUCKET = Duration.ofMinutes(1);

    private final PriceSheet sheet;
    private final Ticker ticker;
    private final TimeBase time;
    private final LedgerStore store;
    private final Map<AccountKey, InstanceAccount> accounts = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, InstanceAccount>> live = new ConcurrentHashMap<>();
    private final Map<String, JobSpan> jobs = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final LedgerMetrics metrics = new LedgerMetrics();
    private boolean closed;

    private CostLedger(PriceSheet sheet, Ticker ticker, Clock clock, LedgerStore store, Duration bucket) {
        if (bucket.toMillis() < 1 || bucket.toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException("bucket must be a whole number of milliseconds >= 1 (got " + bucket + ")");
        }
        this.sheet = sheet;
        this.ticker = ticker;
        this.time = new TimeBase(clock, ticker.read(), bucket.toNanos());
        this.store = store;
    }

    /** A ledger without a store: history lasts as long as the process. */
    public static CostLedger inMemory(PriceSheet sheet, Ticker ticker, Clock clock) {
        return new CostLedger(sheet, ticker, clock, LedgerStore.none(), DEFAULT_BUCKET);
    }

    /**
     * A ledger that starts from the history in {@code store} and saves to it on {@link #flush()}.
     * The ledger owns the store and closes it.
     */
    public static CostLedger open(PriceSheet sheet, Ticker ticker, Clock clock, LedgerStore store, Duration bucket) {
        long stored = store.bucketMillis();
        if (stored != 0 && stored != bucket.toMillis()) {
            store.close();
            throw new IllegalStateException("the ledger store was written with " + stored + " ms buckets, not "
                    + bucket.toMillis());
        }
        CostLedger ledger = new CostLedger(sheet, ticker, clock, store, bucket);
        try {
            store.bucketMillis(bucket.toMillis());
            for (UsageRow r : store.load()) {
                PricingCategory category = r.category() == null ? null : PricingCategory.parse("category", r.category());
                AccountKey key = new AccountKey(r.model(), r.instance(), r.pool(), r.slots(), r.ratePerHour(), category);
                ledger.accounts.computeIfAbsent(key, k -> new InstanceAccount(k, ledger.time)).load(r);
                if (r.dimension().equals(UsageRow.JOB)) {
                    long b = ledger.time.bucketOfMillis(r.bucketStartMillis());
                    ledger.jobs.computeIfAbsent(r.key(), k -> new JobSpan()).note(r.model(), b, b);
                }
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return ledger;
    }

    /** The price sheet this ledger charges by. */
    public PriceSheet priceSheet() {
        return sheet;
    }

    @Override
    public void onInstanceStarted(String model, int instance, String poolName, int slots, long nanos) {
        Pool pool = sheet.pool(poolName).orElse(null);
        if (pool == null && warned.add(poolName)) {
            LOG.warning("pool '" + poolName + "' of model '" + model + "' is not on the price sheet (pools: "
                    + String.join(", ", sheet.pools().keySet()) + "); its time is recorded at $0");
        }
        AccountKey key = new AccountKey(model, instance, poolName, slots, pool == null ? 0 : pool.ratePerHour(slots),
                pool == null ? null : pool.category());
        InstanceAccount account = accounts.computeIfAbsent(key, k -> new InstanceAccount(k, time));
        InstanceAccount previous = live.computeIfAbsent(model, m -> new ConcurrentHashMap<>()).put(instance, account);
        if (previous != null && previous != account) {
            previous.stop(nanos);
        }
        account.start(nanos);
    }

    @Override
    public void onInstanceStopped(String model, int instance, long nanos) {
        Map<Integer, InstanceAccount> m = live.get(model);
        InstanceAccount account = m == null ? null : m.get(instance);
        if (account != null) {
            account.stop(nanos);
        }
    }

    @Override
    public void onRun(RunRecord run) {
        Map<Integer, InstanceAccount> m = live.get(run.model());
        InstanceAccount account = m == null ? null : m.get(run.instance());
        if (account == null) {
            // A run of an instance the ledger never saw start: account for it from the run on.
            String pool = sheet.pool("cpu-on-demand").isPresent() ? "cpu-on-demand" : sheet.pools().keySet().iterator().next();
            if (warned.add(run.model() + "#" + run.instance())) {
                LOG.warning("run of " + run.model() + " instance " + run.instance() + " before its start; charging "
                        + pool + " from the run on");
            }
            onInstanceStarted(run.model(), run.instance(), pool, 1, run.startNanos());
            account = live.get(run.model()).get(run.instance());
        }
        account.record(run);
        if (!run.rowsByJob().isEmpty()) {
            long first = time.bucketOf(run.startNanos());
            long last = time.bucketOf(Math.max(run.startNanos(), run.endNanos() - 1));
            for (String job : run.rowsByJob().keySet()) {
                jobs.computeIfAbsent(job, k -> new JobSpan()).note(run.model(), first, last);
            }
        }
    }

    /** Measured cost over a period; see {@link CostQuery} and {@link CostReport}. */
    public CostReport report(CostQuery query) {
        long now = ticker.read();
        accounts.values().forEach(a -> a.advanceTo(now));
        if (query.model() != null && accounts.keySet().stream().noneMatch(k -> k.model().equals(query.model()))) {
            throw new ModelNotFound("no cost records for model '" + query.model() + "' (known: "
                    + String.join(", ", models()) + ")");
        }
        long fromBucket = query.from() == null ? Long.MIN_VALUE : time.bucketOf(query.from());
        long toBucket = query.to() == null ? Long.MAX_VALUE : time.bucketAtOrAfter(query.to());
        List<ReportBuilder.Snapshot> snapshots = new ArrayList<>();
        long firstData = Long.MAX_VALUE;
        for (InstanceAccount a : accounts.values()) {
            if (query.model() == null || a.key.model().equals(query.model())) {
                snapshots.add(new ReportBuilder.Snapshot(a.key, a.window(fromBucket, toBucket)));
                firstData = Math.min(firstData, a.firstBucket());
            }
        }
        Instant nowInstant = time.instantOf(now);
        Instant from = query.from() != null ? time.bucketStart(fromBucket)
                : firstData == Long.MAX_VALUE ? nowInstant : time.bucketStart(firstData);
        Instant to = query.to() == null ? nowInstant : min(time.bucketStart(toBucket), nowInstant);
        if (to.isBefore(from)) {
            to = from;
        }
        IdlePolicy policy = query.idlePolicy() != null ? query.idlePolicy() : sheet.idlePolicy();
        return ReportBuilder.build(snapshots, policy, query.serviceClass(), sheet.currency(), from, to);
    }

    /**
     * A batch job's measured cost over the buckets its rows ran in, with the real-time estimate
     * for the same rows; empty when the ledger has no rows of that job.
     */
    public java.util.Optional<JobCost> costOfJob(String jobId) {
        JobSpan span = jobs.get(jobId);
        if (span == null) {
            return java.util.Optional.empty();
        }
        long[] buckets = span.buckets();
        Instant from = time.bucketStart(buckets[0]);
        Instant to = time.bucketStart(buckets[1] + 1);
        CostReport period = report(new CostQuery(null, null, from, to, null));
        CostReport allTime = null;
        long rows = 0;
        double busy = 0;
        double cost = 0;
        double realTime = 0;
        boolean estimated = true;
        boolean samePeriod = true;
        for (ModelCost m : period.models()) {
            for (KeyCost j : m.jobs()) {
                if (!j.key().equals(jobId)) {
                    continue;
                }
                rows += j.rows();
                busy += j.busySeconds();
                cost += j.cost();
                Double per1k = interactivePer1k(m);
                if (per1k == null) {
                    samePeriod = false;
                    allTime = allTime != null ? allTime : report(CostQuery.all());
                    per1k = allTime.models().stream()
                            .filter(a -> a.model().equals(m.model()) && a.pool().equals(m.pool()))
                            .map(CostLedger::interactivePer1k).filter(java.util.Objects::nonNull).findFirst().orElse(null);
                }
                if (per1k == null) {
                    estimated = false;
                } else {
                    realTime += per1k * j.rows() / 1000;
                }
            }
        }
        return java.util.Optional.of(new JobCost(jobId, period.from(), period.to(), rows, busy, cost,
                estimated ? realTime : null, estimated ? (samePeriod ? "same_period" : "all_time") : null));
    }

    private static Double interactivePer1k(ModelCost m) {
        return m.serviceClass(ServiceClass.INTERACTIVE).map(CostReport.ClassCost::costPer1k).orElse(null);
    }

    /** Models with any record, sorted. */
    public Set<String> models() {
        Set<String> names = new TreeSet<>();
        accounts.keySet().forEach(k -> names.add(k.model()));
        return names;
    }

    /** Saves every bucket changed since the last flush to the store. */
    public void flush() {
        long now = ticker.read();
        for (InstanceAccount a : accounts.values()) {
            a.advanceTo(now);
            List<UsageRow> rows = a.drainDirty();
            try {
                store.save(rows);
            } catch (RuntimeException e) {
                a.redirty(rows);
                LOG.warning("ledger: " + e.getMessage() + " (will retry)");
            }
        }
    }

    /** Prometheus counters: dollars, busy and provisioned seconds, rows per model, class and pool. */
    @Override
    public void writeTo(StringBuilder out) {
        long now = ticker.read();
        List<ReportBuilder.Snapshot> totals = new ArrayList<>();
        for (InstanceAccount a : accounts.values()) {
            a.advanceTo(now);
            totals.add(new ReportBuilder.Snapshot(a.key, a.window(Long.MIN_VALUE, Long.MAX_VALUE)));
        }
        metrics.write(out, totals);
    }

    /** Accrues time to now, saves to the store and closes it; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush();
        } finally {
            store.close();
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** The buckets and models in which a batch job's rows ran. */
    private static final class JobSpan {
        private final Set<String> models = new HashSet<>();
        private long first = Long.MAX_VALUE;
        private long last = Long.MIN_VALUE;

        synchronized void note(String model, long firstBucket, long lastBucket) {
            models.add(model);
            first = Math.min(first, firstBucket);
            last = Math.max(last, lastBucket);
        }

        synchronized long[] buckets() {
            return new long[] {first, last};
        }
    }
}
