package io.batchwise.ledger;

/**
 * What one account of the ledger is: a model's instance at one price. A model reloaded into
 * another pool, or with other threads, is another account, so history keeps the price it ran at.
 *
 * @param category null when the pool was not on the price sheet (then the rate is 0)
 */
record AccountKey(String model, int instance, String pool, int slots, double ratePerHour,
                  PricingCategory category) {
}
