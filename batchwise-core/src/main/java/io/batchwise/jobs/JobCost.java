package io.batchwise.jobs;

/**
 * What a batch's rows cost, as the ledger measured it.
 *
 * @param currency      e.g. {@code USD}
 * @param total         cost of the batch's rows so far
 * @param perThousandRows cost per 1,000 rows
 */
public record JobCost(String currency, double total, double perThousandRows) {
}
