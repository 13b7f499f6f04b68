package io.batchwise.schedule;

/**
 * The share of a live request's budget that {@code slo} keeps in reserve for what its plan does
 * not cover: runs slower than the learned p90, garbage-collection pauses, the response's encoding
 * and its trip back, the client. A fixed share is too small on a noisy machine (requests finish
 * past their deadline) and wasteful on a quiet one (batches smaller than the deadline allows), so
 * the share follows the tail the scheduler sees.
 *
 * <p>The share only grows from its start: the budget is the client's, and the server cannot
 * see the part of it the response's trip and the client take, so a quiet tail in the server is
 * no reason to wait longer than before.
 *
 * <p>Each live request that leaves the scheduler is one observation. It is late when it
 * succeeded in the last {@link #LATE} of its budget (measured in the server; the rest of the
 * budget is for what the server does not see) or expired. A late request raises
 * the share by {@link #STEP}; one in time lowers it by {@code STEP * TARGET / (1 - TARGET)}. The
 * share therefore settles where about {@link #TARGET} of requests are late: a stochastic
 * approximation (Robbins-Monro) of the quantile the reserve must cover, in the spirit of
 * Clipper's AIMD, which adapts the batch size to the SLO; here it adapts the slack kept for the
 * tail, and the batch size follows from the deadline. The share stays within [{@link #MIN},
 * {@link #MAX}].
 *
 * <p>Interactive and deferred requests keep one each: their budgets differ by orders of
 * magnitude, and a deferred request in time says nothing about an interactive one's tail.
 */
final class TailReserve {
    static final double INITIAL = 0.3;
    /** Never below the fixed share the policy used before, whose tail it covered on a quiet machine. */
    static final double MIN = INITIAL;
    static final double MAX = 0.7;
    /** The part of the budget a request must not reach in the server to count as in time. */
    static final double LATE = 0.1;
    /** The share of requests allowed to be late. */
    static final double TARGET = 0.01;
    static final double STEP = 0.01;
    private static final double DOWN = STEP * TARGET / (1 - TARGET);

    private double share = INITIAL;

    /** The share of each request's budget to keep in reserve. */
    double share() {
        return share;
    }

    /**
     * One live request out of the scheduler: it succeeded {@code used} nanoseconds after its
     * arrival, or expired (then {@code used} is past its budget).
     *
     * @param budget nanoseconds from its arrival to its deadline
     */
    void observe(long used, long budget) {
        if (budget <= 0) {
            return;
        }
        boolean late = used > (1 - LATE) * budget;
        share = Math.max(MIN, Math.min(MAX, late ? share + STEP : share - DOWN));
    }
}
