package io.batchwise.ledger;

/**
 * One persisted figure of the ledger: an account's usage in one time bucket along one dimension.
 * Values are cumulative for that bucket, so saving a row again replaces it.
 *
 * @param bucketStartMillis epoch milliseconds at which the bucket starts
 * @param category          pricing category label, or null when the pool was not on the sheet
 * @param dimension         {@code instance} (rows, runs, provisioned nanoseconds of the account),
 *                          {@code class} (key = class label; busy nanoseconds), {@code tag} or
 *                          {@code job} (key = tag or job id; rows and busy nanoseconds)
 */
public record UsageRow(long bucketStartMillis, String model, int instance, String pool, int slots,
                       double ratePerHour, String category, String dimension, String key, long rows, long runs,
                       long nanos) {
    static final String INSTANCE = "instance";
    static final String CLASS = "class";
    static final String TAG = "tag";
    static final String JOB = "job";
}
