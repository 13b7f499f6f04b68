package io.batchwise.jobs;

import java.util.Optional;

/**
 * Where batch objects get their cost from (the cost ledger, by job id). Until a ledger is wired
 * in, {@link #none()} reports nothing and batch objects carry no cost.
 */
@FunctionalInterface
public interface JobCostSource {
    /** The measured cost of a job's rows, if known. */
    Optional<JobCost> costOf(String jobId);

    /** A source that knows no costs. */
    static JobCostSource none() {
        return id -> Optional.empty();
    }
}
