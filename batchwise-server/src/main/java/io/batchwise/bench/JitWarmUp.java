package io.batchwise.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Repeats a benchmark's warm-up work until the JIT has compiled the path: a timed run that starts
 * while the compilers still work measures them (they take the cores the work needs) rather than
 * the work.
 */
final class JitWarmUp {
    /**
     * The JIT's share of a warm-up round below which the code is taken as compiled. At 10% the
     * compilers still took 1-4% of a timed job's CPU (3-13 us per row against about 300); at 3%,
     * `bench jobs`' first timed rounds still compiled for 100-250 ms of their 2 s.
     */
    static final double QUIET = 0.01;
    /** Most rounds run, quiet or not. */
    static final int MAX_ROUNDS = 10;

    /** One round of warm-up work; {@code round} counts from 1. */
    interface Round {
        void run(int round) throws Exception;
    }

    private JitWarmUp() {
    }

    /**
     * Runs rounds until the JIT compiled for less than {@link #QUIET} of a round's time, or for
     * {@link #MAX_ROUNDS} rounds, then passes {@code report} (a format of the rounds run and the
     * last round's compile share in percent) to {@code out}.
     */
    static void untilQuiet(Round work, String report, Consumer<String> out) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        for (int round = 1; ; round++) {
            long jit0 = jit.getTotalCompilationTime();
            long t0 = System.nanoTime();
            work.run(round);
            double share = (jit.getTotalCompilationTime() - jit0) / ((System.nanoTime() - t0) / 1e6);
            if (share < QUIET || round == MAX_ROUNDS) {
                out.accept(String.format(Locale.ROOT, report, round, 100 * share));
                return;
            }
        }
    }
}
