package io.batchwise.plan;

import io.batchwise.model.BatchingConfig;
import io.batchwise.model.Device;
import io.batchwise.model.ModelConfig;
import io.batchwise.model.QueueConfig;
import io.batchwise.schedule.ServiceClass;
import io.batchwise.schedule.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sizes a live mode (capacity kept warm around the clock) for a workload's peak hour by
 * simulating batchwise's scheduler ({@link Simulation}) with the profile's service-time curve
 * and Poisson arrivals: the fewest instances whose p99 (shed requests counted as late) meets the
 * requirement.
 *
 * <h2>Design</h2>
 * Instances live on machines of the pool: {@code S = pool slots / slots per instance} instances
 * per machine, each machine one batchwise server with one scheduler, and a load balancer that
 * splits traffic by instance count. With k instances on {@code n = ceil(k / S)} machines the
 * smallest machine holds {@code floor(k / n)} instances and pools the least, so it is the one
 * simulated, at its share of the peak. (Splitting a Poisson stream at random gives Poisson
 * streams, so the share is again Poisson.) The search starts at the instance count the peak
 * needs at 100% utilization with the mode's most efficient batch size, grows by a quarter until
 * the requirement holds, then bisects. Simulations are cached per instance count. Each instance
 * count's service curve is the one measured with that many instances running at once (or the
 * nearest below), so contention on a machine is part of the estimate.
 */
final class LiveSizer {
    private static final int MAX_SIM_INSTANCES = 64;
    private static final double[] WINDOW_FRACTIONS = {1.0 / 2, 1.0 / 4, 1.0 / 8, 1.0 / 16, 1.0 / 32, 1.0 / 64};
    private static final double[] LOAD_FRACTIONS = {0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5};

    private final Profile profile;
    private final PlanPrices.Pool pool;
    private final PlannerOptions options;
    private final int perMachine;

    LiveSizer(Profile profile, PlanPrices.Pool pool, PlannerOptions options) {
        this.profile = profile;
        this.pool = pool;
        this.options = options;
        this.perMachine = Math.max(1, Math.min(MAX_SIM_INSTANCES, pool.slots() / profile.slotsPerInstance()));
    }

    /** Evaluates one live mode for a workload. */
    ModeEstimate size(Mode mode, Workload w) {
        if (mode == Mode.NEAR_REAL_TIME && w.latency().compareTo(BatchingConfig.DEFAULT.deferredThreshold()) < 0) {
            return ModeEstimate.infeasible(mode, pool.name(), "the deferred class serves budgets of "
                    + Format.duration(BatchingConfig.DEFAULT.deferredThreshold()) + " or more; "
                    + Format.duration(w.latency()) + " needs an interactive mode");
        }
        ServiceCurve one = ServiceCurve.of(profile.pointsFor(1));
        int rows = Math.min(w.rowsPerRequest(), profile.maxBatchSize());
        double single = one.quantileSeconds(rows, 0.99);
        double requirement = w.latency().toNanos() / 1e9;
        if (single > requirement) {
            return ModeEstimate.infeasible(mode, pool.name(), "one run of " + rows + " row(s) takes "
                    + Format.seconds(single) + " at p99, above the " + Format.duration(w.latency())
                    + " requirement");
        }
        Sized sized = search(mode, w, 0);
        if (sized.instances() < 0) {
            return ModeEstimate.infeasible(mode, pool.name(), "p99 " + Format.seconds(sized.atPeak().p99AllSeconds())
                    + " at the peak even with " + options.maxInstances() + " instances (requirement "
                    + Format.duration(w.latency()) + ")");
        }
        int good = sized.instances();
        double requests = w.peakRowsPerSecond() / w.rowsPerRequest();
        Simulation.Result atPeak = sized.atPeak();
        Simulation.Result average = simulate(mode, w, good, w.averageRowsPerSecond() / w.rowsPerRequest(),
                options.simulatedRequests(), null);
        double monthly = good * pool.ratePerHour(profile.slotsPerInstance()) * ModeEstimate.HOURS_PER_MONTH;
        Duration window = mode == Mode.MICRO_BATCH ? tuneWindow(w, good, requests, requirement) : null;
        String reason = good + " instance(s) on " + machines(good) + " machine(s) keep p99 at "
                + Format.seconds(atPeak.p99AllSeconds()) + " at the peak of " + Format.rate(w.peakRowsPerSecond())
                + " rows/s (mean " + Format.number(atPeak.meanBatchRows()) + " rows per run)";
        return new ModeEstimate(mode, true, reason, good, average.utilization(), monthly,
                ModeEstimate.per1k(monthly, w.rowsPerDay()), pool.name(), atPeak.p99AllSeconds(),
                atPeak.meanBatchRows(), window);
    }

    /** The fewest instances meeting the requirement at the peak (-1 beyond the limit), and that simulation. */
    private record Sized(int instances, Simulation.Result atPeak) {
    }

    /**
     * Instances a feasible live mode needs for a (grown) workload, searching up from
     * {@code from}, the count that sufficed for less traffic; -1 beyond the limit.
     */
    int instancesAt(Mode mode, Workload w, int from) {
        return search(mode, w, from).instances();
    }

    private Sized search(Mode mode, Workload w, int from) {
        double requirement = w.latency().toNanos() / 1e9;
        ServiceCurve one = ServiceCurve.of(profile.pointsFor(1));
        double requests = w.peakRowsPerSecond() / w.rowsPerRequest();
        int efficient = mode == Mode.REAL_TIME ? Math.min(w.rowsPerRequest(), profile.maxBatchSize()) : one.bestBatchSize();
        int k = (int) Math.max(1, Math.ceil(w.peakRowsPerSecond() / one.rowsPerSecond(efficient)));
        k = Math.min(options.maxInstances(), Math.max(k, from));
        Map<Integer, Simulation.Result> tried = new HashMap<>();
        int bad = k - 1;
        Simulation.Result r = peak(mode, w, k, requests, tried);
        while (!meets(r, requirement)) {
            bad = k;
            if (k >= options.maxInstances()) {
                return new Sized(-1, r);
            }
            k = Math.min(options.maxInstances(), k + Math.max(1, k / 4));
            r = peak(mode, w, k, requests, tried);
        }
        int good = k;
        while (good - bad > 1) {
            int mid = (good + bad) >>> 1;
            if (meets(peak(mode, w, mid, requests, tried), requirement)) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        return new Sized(good, tried.get(good));
    }

    private static boolean meets(Simulation.Result r, double requirement) {
        return r.p99AllSeconds() <= requirement;
    }

    private Simulation.Result peak(Mode mode, Workload w, int k, double requests,
                                   Map<Integer, Simulation.Result> tried) {
        return tried.computeIfAbsent(k, n -> simulate(mode, w, n, requests, options.simulatedRequests(), null));
    }

    private int machines(int k) {
        return (k + perMachine - 1) / perMachine;
    }

    /**
     * Simulates the least pooled machine of a fleet of {@code k} instances at its share of
     * {@code requestsPerSecond}; {@code window} selects the window policy with that delay.
     */
    private Simulation.Result simulate(Mode mode, Workload w, int k, double requestsPerSecond, long arrivals,
                                       Duration window) {
        int machines = machines(k);
        int j = k / machines;
        double rate = requestsPerSecond * j / k;
        BatchingConfig.Policy policy = window != null ? BatchingConfig.Policy.WINDOW
                : mode == Mode.REAL_TIME ? BatchingConfig.Policy.NONE : BatchingConfig.Policy.SLO;
        BatchingConfig batching = new BatchingConfig(policy, window == null ? Duration.ZERO : window, List.of(),
                BatchingConfig.DEFAULT.deferredThreshold());
        ModelConfig config = new ModelConfig("sim", profile.maxBatchSize(), 1, profile.intraOpThreads(), Device.CPU,
                w.latency(), batching, QueueConfig.DEFAULT, pool.name(), null);
        ServiceClass cls = mode == Mode.NEAR_REAL_TIME ? ServiceClass.DEFERRED : ServiceClass.INTERACTIVE;
        return Simulation.run(config, j, ServiceCurve.of(profile.pointsFor(j)),
                new Simulation.Load(rate, w.rowsPerRequest(), w.latency(), cls, arrivals, options.seed()));
    }

    /**
     * The largest {@code window} policy delay (a fraction of the requirement) that still meets
     * it with {@code k} instances, or null when none does: the window to configure for anyone
     * who wants a fixed one instead of {@code policy: slo}.
     */
    private Duration tuneWindow(Workload w, int k, double requests, double requirement) {
        for (double f : WINDOW_FRACTIONS) {
            long micros = Math.max(100, Math.round(w.latency().toNanos() * f / 1e3 / 100) * 100);
            Duration d = Duration.ofNanos(micros * 1000);
            Simulation.Result r = simulate(Mode.MICRO_BATCH, w, k, requests, options.simulatedRequests(), d);
            if (meets(r, requirement)) {
                return d;
            }
        }
        return null;
    }

    /** (offered rows/s, p99 seconds) at fractions of the peak with {@code k} instances. */
    List<double[]> latencyVsLoad(Mode mode, Workload w, int k) {
        List<double[]> out = new ArrayList<>();
        long arrivals = Math.max(1000, options.simulatedRequests() / 4);
        for (double f : LOAD_FRACTIONS) {
            double rows = w.peakRowsPerSecond() * f;
            Simulation.Result r = simulate(mode, w, k, rows / w.rowsPerRequest(), arrivals, null);
            out.add(new double[] {rows, r.p99AllSeconds()});
        }
        return out;
    }
}
