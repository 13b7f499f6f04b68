package io.batchwise.spark;

/** A row that cannot be scored: a null, a value of the wrong kind, or the wrong element count. */
final class BadRow extends RuntimeException {
    BadRow(String message) {
        super(message, null, false, false);
    }
}
