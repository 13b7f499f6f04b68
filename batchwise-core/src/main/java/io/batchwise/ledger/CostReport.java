package io.batchwise.ledger;

import io.batchwise.schedule.ServiceClass;
import java.time.Instant;
import java.util.List;

/**
 * Measured cost over a period: per model (and pool) the capacity provisioned, how much of it ran
 * work, what it cost, and who pays — per class, per client tag and per batch job. Money is in
 * {@link #currency}, time in seconds. For every model {@code cost} = {@code busyCost} +
 * {@code idleCost} = the classes' costs + {@code unattributedCost}.
 *
 * @param from the period's start (bucket-aligned)
 * @param to   the period's end: the end of the last bucket, or now when that is earlier
 */
public record CostReport(Instant from, Instant to, IdlePolicy idlePolicy, String currency, List<ModelCost> models) {
    public CostReport {
        models = List.copyOf(models);
    }

    /**
     * One model on one pool.
     *
     * @param category         the pool's pricing category, or null when the pool is not priced
     * @param cost             what the provisioned capacity cost, idle time included
     * @param idleCost         the part of {@code cost} no run used
     * @param unattributedCost idle cost the policy gives to no class ({@code separate}, or
     *                         {@code proportional} when nothing ran)
     * @param tags             busy cost of the rows of each client tag ({@code parameters.tag})
     * @param jobs             each batch job's busy cost plus its share of any idle cost charged
     *                         to the bulk class
     */
    public record ModelCost(String model, String pool, PricingCategory category, double provisionedSeconds,
                            double busySeconds, double utilization, double cost, double busyCost, double idleCost,
                            double unattributedCost, long rows, long runs, List<ClassCost> classes,
                            List<KeyCost> tags, List<KeyCost> jobs, List<InstanceCost> instances) {
        public ModelCost {
            classes = List.copyOf(classes);
            tags = List.copyOf(tags);
            jobs = List.copyOf(jobs);
            instances = List.copyOf(instances);
        }

        /** The line of one class, if it has any rows or cost in the period. */
        public java.util.Optional<ClassCost> serviceClass(ServiceClass c) {
            return classes.stream().filter(l -> l.serviceClass() == c).findFirst();
        }
    }

    /**
     * One service class of a model.
     *
     * @param runs      runs that carried rows of this class (a mixed run counts for each class)
     * @param cost      busy cost plus the idle cost the policy charged to this class
     * @param costPer1k cost per 1,000 rows, or null when the class has no rows
     */
    public record ClassCost(ServiceClass serviceClass, long rows, long runs, double busySeconds, double busyCost,
                            double idleCost, double cost, Double costPer1k) {
    }

    /** A client tag's or batch job's rows and cost. */
    public record KeyCost(String key, long rows, double busySeconds, double cost) {
    }

    /**
     * One instance's account, in exact nanoseconds: {@code provisionedNanos} = {@code busyNanos} +
     * {@code attributedIdleNanos} + {@code unattributedIdleNanos}.
     *
     * @param attributedCost   busy cost plus attributed idle cost
     * @param unattributedCost idle cost no class pays
     */
    public record InstanceCost(int instance, int slots, double ratePerHour, long provisionedNanos, long busyNanos,
                               long attributedIdleNanos, long unattributedIdleNanos, double cost,
                               double attributedCost, double unattributedCost) {
    }
}
