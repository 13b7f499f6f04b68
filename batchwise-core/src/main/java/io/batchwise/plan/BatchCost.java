package io.batchwise.plan;

import java.time.Duration;

/**
 * Costs a batch mode: rows collect for a period P, then a run on freshly started machines
 * processes them at the profile's best batch size and must finish within the completion window
 * W of the oldest row, so within {@code W - P}. Each run pays the start-up (machines, model
 * load) and at least the minimum billing per machine; on spot, compute grows by the preemption
 * overhead and the processing window must leave room to recover from one preemption.
 *
 * <p>A short period means many runs, each paying start-up; a long one leaves a short processing
 * window and so needs more machines at once, each paying start-up too. The period is chosen
 * from a grid to minimise a day's cost, with the day's rows following the workload's hourly
 * shape (every run sized for its own rows; the largest sets {@code instances}).
 */
final class BatchCost {
    private static final double DAY = 86400;
    private static final int GRID = 24;

    private BatchCost() {
    }

    static ModeEstimate estimate(Mode mode, Workload w, ServiceCurve curve, PlanPrices.Pool pool, int slotsPerInstance,
                                 Assumptions a) {
        boolean spot = mode == Mode.BATCH_SPOT;
        double window = w.latency().toNanos() / 1e9;
        double startup = a.batchStartup().toNanos() / 1e9;
        double recovery = spot ? a.spotRecovery().toNanos() / 1e9 : 0;
        double room = window - startup - recovery;
        if (room <= 1) {
            return ModeEstimate.infeasible(mode, pool.name(), "the " + Format.duration(w.latency())
                    + " window is shorter than a batch run's start-up of " + Format.duration(a.batchStartup())
                    + (spot ? " plus " + Format.duration(a.spotRecovery()) + " to recover from a spot preemption" : ""));
        }
        int size = curve.bestBatchSize();
        double nominal = curve.rowsPerSecond(size);
        double throughput = spot ? nominal / (1 + a.spotPreemptionOverhead()) : nominal;
        double rate = pool.ratePerHour(slotsPerInstance) / 3600;
        Schedule best = null;
        for (int i = 1; i <= GRID; i++) {
            double period = Math.min(DAY, room * i / (GRID + 1));
            Schedule s = schedule(w, period, window - period - startup - recovery, throughput, startup,
                    a.minBilling().toNanos() / 1e9);
            if (best == null || s.billedSeconds < best.billedSeconds) {
                best = s;
            }
        }
        if (window - DAY - startup - recovery > 1) {
            Schedule daily = schedule(w, DAY, window - DAY - startup - recovery, throughput, startup,
                    a.minBilling().toNanos() / 1e9);
            if (daily.billedSeconds < best.billedSeconds) {
                best = daily;
            }
        }
        double monthly = best.billedSeconds * rate * ModeEstimate.HOURS_PER_MONTH / 24;
        double utilization = w.rowsPerDay() / nominal / best.billedSeconds;
        String reason = "a run every " + Format.duration(seconds(best.period)) + " finishes within "
                + Format.duration(w.latency()) + "; up to " + best.instances + " instance(s) at batch " + size + ", "
                + Format.rate(throughput) + " rows/s each" + (spot ? " after the "
                + Format.percent(a.spotPreemptionOverhead()) + " preemption overhead" : "");
        return new ModeEstimate(mode, true, reason, best.instances, Math.min(1, utilization), monthly,
                ModeEstimate.per1k(monthly, w.rowsPerDay()), pool.name(), Double.NaN, size, seconds(best.period));
    }

    private record Schedule(double period, double billedSeconds, int instances) {
    }

    private static Schedule schedule(Workload w, double period, double processing, double throughput,
                                     double startup, double minBilling) {
        double[] share = w.hourlyShare();
        double billed = 0;
        int most = 0;
        for (double t = 0; t < DAY - 1e-9; t += period) {
            double rows = w.rowsPerDay() * between(share, t, Math.min(DAY, t + period));
            if (rows <= 0) {
                continue;
            }
            int instances = (int) Math.max(1, Math.ceil(rows / (throughput * processing)));
            double compute = rows / (instances * throughput);
            // Machines that would be started again before they could stop simply stay up, which
            // saves the start-up and minimum billing, never the compute.
            billed += instances * Math.max(compute, Math.min(period, Math.max(minBilling, startup + compute)));
            most = Math.max(most, instances);
        }
        return new Schedule(period, billed, most);
    }

    /** Share of a day's rows arriving between {@code from} and {@code to} seconds after midnight. */
    private static double between(double[] hourly, double from, double to) {
        double sum = 0;
        for (int h = (int) (from / 3600); h < 24 && h * 3600 < to; h++) {
            double overlap = Math.min(to, (h + 1) * 3600.0) - Math.max(from, h * 3600.0);
            if (overlap > 0) {
                sum += hourly[h] * overlap / 3600;
            }
        }
        return sum;
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
