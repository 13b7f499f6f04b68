package io.batchwise.plan;

import java.time.Duration;
import java.util.Arrays;

/**
 * One entry of the workload inventory.
 *
 * @param name           unique name
 * @param model          the model (its profile is {@code PROFILES/<model>.json})
 * @param rowsPerDay     predictions per day
 * @param hourlyShare    share of a day's rows in each of the 24 hours (sums to 1)
 * @param latency        p99 requirement for live traffic, or the completion window for batch
 * @param currentMode    how it is served today
 * @param growthPerMonth compound monthly growth of rows_per_day (0.05 = 5%)
 * @param rowsPerRequest rows in one live request
 * @param pool           the price sheet pool for on-demand capacity, or null for the profile's
 * @param spotPool       the spot pool for batch-spot, or null to pick one
 * @param origin         where the entry is, for errors found later (a missing profile or pool)
 */
public record Workload(String name, String model, double rowsPerDay, double[] hourlyShare, Duration latency,
                       Mode currentMode, double growthPerMonth, int rowsPerRequest, String pool, String spotPool,
                       Origin origin) {
    /**
     * Where an entry is in its file: its path ({@code workloads[2]}), its first line and the line
     * of each field given.
     */
    public record Origin(String file, String path, int line, java.util.Map<String, Integer> fieldLines) {
        public Origin {
            fieldLines = java.util.Map.copyOf(fieldLines);
        }

        /** An error about one field of the entry, at that field's line. */
        public PlanFileError error(String field, String problem) {
            return new PlanFileError(file, fieldLines.getOrDefault(field, line), path + "." + field, problem);
        }
    }

    public Workload {
        hourlyShare = hourlyShare.clone();
    }

    @Override
    public double[] hourlyShare() {
        return hourlyShare.clone();
    }

    /** Rows per second in the busiest hour. */
    public double peakRowsPerSecond() {
        return rowsPerDay * Arrays.stream(hourlyShare).max().orElse(1.0 / 24) / 3600;
    }

    /** Rows per second over the day. */
    public double averageRowsPerSecond() {
        return rowsPerDay / 86400;
    }

    /** The same workload with {@code factor} times the rows. */
    public Workload scaled(double factor) {
        return new Workload(name, model, rowsPerDay * factor, hourlyShare, latency, currentMode, growthPerMonth,
                rowsPerRequest, pool, spotPool, origin);
    }
}
