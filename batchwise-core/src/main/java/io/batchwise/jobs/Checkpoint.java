package io.batchwise.jobs;

/**
 * How far a batch got, committed atomically: the input is processed up to {@code inputOffset}
 * ({@code lines} lines), and the output and error files hold exactly {@code outputBytes} and
 * {@code errorBytes} of results for them. Anything past those sizes is discarded on resume.
 */
public record Checkpoint(long inputOffset, long lines, long outputBytes, long errorBytes, long completed,
                         long failed) {
    static final Checkpoint START = new Checkpoint(0, 0, 0, 0, 0, 0);
}
