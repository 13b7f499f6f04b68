package io.batchwise.bench;

import io.batchwise.jobs.BatchJob;
import io.batchwise.jobs.BatchStatus;
import io.batchwise.jobs.FileStore;
import io.batchwise.jobs.FullBatchRunner;
import io.batchwise.jobs.JobEngine;
import io.batchwise.jobs.JobSettings;
import io.batchwise.jobs.JobStore;
import io.batchwise.jobs.StoredFile;
import io.batchwise.openai.KServeLines;
import io.batchwise.openai.OpenAiRoutes;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.schedule.Ticker;
import java.io.InputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code bench jobs}' offline part: a job file through {@code batch run}'s engine, timed in rounds
 * that alternate with readings of the raw ceiling, each round held to the readings beside it.
 */
final class OfflineRounds {
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    private final int rounds;
    private final double seconds;
    private final long seed;

    /**
     * @param rounds  timed jobs
     * @param seconds length of each ceiling reading
     * @param seed    seed of the ceiling's random inputs
     */
    OfflineRounds(int rounds, double seconds, long seed) {
        this.rounds = rounds;
        this.seconds = seconds;
        this.seed = seed;
    }

    /**
     * The timed offline rounds.
     *
     * @param medianRate       rows/s of the median round (by its share)
     * @param medianShare      that round's rows/s over the ceiling beside it
     * @param shares           every round's share, in order, for the report
     * @param cpuMicros        process CPU per row over all rounds
     * @param ceilingCpuMicros process CPU per row over the ceiling readings between them
     * @param threads          CPU and faults per row by thread group over all rounds
     * @param allocatedPerRow  heap bytes the job threads allocated per row over all rounds
     * @param validatedRate    rows/s from the job's creation (validation included), of the median round by that share
     * @param validatedShare   that round's rows/s from creation over the ceiling beside it
     * @param pauses           the garbage-collection pauses over the timed rounds and the ceiling readings
     */
    record Result(double medianRate, double medianShare, String shares, double cpuMicros, double ceilingCpuMicros,
                  String threads, double allocatedPerRow, double validatedRate, double validatedShare,
                  String pauses) {
    }

    /**
     * Runs the offline engine untimed until the JIT is quiet, then {@code rounds} timed jobs
     * (first line to last; validation excluded, reported apart), each between two readings of the
     * throughput layout's ceiling and held to their mean, or to {@code configuredCeiling} if that
     * is higher: the best layout's sustained rate at the time the round ran.
     */
    Result run(ModelRegistry registry, LoadedModel m, Path input, Path state, double configuredCeiling)
            throws Exception {
        int inFlight = 8 * m.config().maxBatchSize() * m.config().instances();
        JobSettings settings = JobSettings.defaults().withMaxInFlightRows(inFlight).withMaxLinesPerBatch(Long.MAX_VALUE)
                .withCpuThreads(Runtime.getRuntime().availableProcessors());
        try (FullBatchRunner runner = new FullBatchRunner(registry); JobStore store = JobStore.open(state)) {
            FileStore files = new FileStore(store, Clock.systemUTC());
            try (JobEngine engine = new JobEngine(store, files, runner, List.of(new KServeLines(registry)),
                    OpenAiRoutes.rowFailures(), Clock.systemUTC(), Ticker.systemTicker(), settings);
                 InputStream in = Files.newInputStream(input)) {
                StoredFile file = files.copyIn(in, FileStore.PURPOSE_BATCH, "in.jsonl");
                // The same job, untimed, until the JIT has compiled the line path (it compiled for
                // less than JitWarmUp.QUIET of the last round's time): the timed runs then measure the steady
                // state a long job runs in, not this machine's compiler. Each round also reads the
                // ceiling briefly, as the timed rounds do between jobs: run only then, its code
                // changed the type profiles the job's compiled code rests on, and the first timed
                // round spent 0.4-1 s recompiling.
                JitWarmUp.untilQuiet(round -> {
                    timedRound(engine, file, m);
                    RawCeiling.measure(m, Math.min(1, seconds), seed);
                }, "warm-up: %d untimed round(s) of a job and a ceiling reading; the JIT compiled for %.0f%% of the "
                        + "last one's time%n", System.out::print);
                Map<String, ThreadCpu.Usage> threads = new LinkedHashMap<>();
                long rows = 0;
                long cpu = 0;
                long allocated = 0;
                double ceilingRows = 0;
                double ceilingCpu = 0;
                GcPauses pauses = GcPauses.start();
                RawCeiling before = RawCeiling.measure(m, seconds, seed);
                RoundShare[] byRound = new RoundShare[rounds];
                for (int r = 0; r < rounds; r++) {
                    Round round = timedRound(engine, file, m);
                    cpu += round.cpuNanos();
                    allocated += round.allocated();
                    round.threads().forEach((name, u) -> threads.merge(name, u, ThreadCpu.Usage::plus));
                    rows += round.rows();
                    RawCeiling after = RawCeiling.measure(m, seconds, seed + r + 1);
                    ceilingRows += after.sustained() * seconds;
                    ceilingCpu += after.cpuMicrosPerRow() * after.sustained() * seconds;
                    double ceiling = Math.max(configuredCeiling, (before.sustained() + after.sustained()) / 2);
                    double validated = round.rows() / (round.validationSeconds() + round.runSeconds());
                    byRound[r] = new RoundShare(round.rate(), round.rate() / ceiling, validated, validated / ceiling);
                    System.out.printf(Locale.ROOT, "offline round %d: validation %.2f s, run %.2f s (JIT %d ms), "
                            + "%.0f rows/s between ceilings of %.0f and %.0f rows/s = %.0f%%%n", r + 1,
                            round.validationSeconds(), round.runSeconds(), round.jitMillis(), round.rate(),
                            before.sustained(), after.sustained(), 100 * round.rate() / ceiling);
                    before = after;
                }
                pauses.close();
                long allRows = Math.max(1, rows);
                String byThread = threads.entrySet().stream()
                        .filter(e -> e.getValue().seconds() * 1e6 / allRows >= 0.5)
                        .sorted(Comparator.comparing((Map.Entry<String, ThreadCpu.Usage> e) -> e.getValue().seconds())
                                .reversed())
                        .map(e -> String.format(Locale.ROOT, "%s %.0f us (%.0f in the kernel), %.1f faults",
                                e.getKey(), e.getValue().seconds() * 1e6 / allRows,
                                e.getValue().kernelSeconds() * 1e6 / allRows, (double) e.getValue().faults() / allRows))
                        .collect(Collectors.joining("; "));
                String shares = Arrays.stream(byRound).map(x -> String.format(Locale.ROOT, "%.0f%%", 100 * x.share()))
                        .collect(Collectors.joining(", "));
                RoundShare median = median(byRound, Comparator.comparingDouble(RoundShare::share));
                RoundShare validated = median(byRound, Comparator.comparingDouble(RoundShare::validatedShare));
                System.out.printf(Locale.ROOT, "offline job: %.1f rows per run (warm-ups included)%n",
                        runner.meanRowsPerRun());
                return new Result(median.rate(), median.share(), shares, cpu / 1e3 / allRows, ceilingCpu / ceilingRows,
                        byThread, allocated / (double) allRows, validated.validatedRate(), validated.validatedShare(),
                        pauses.toString());
            }
        }
    }

    /**
     * One round's rows/s and its share of the ceiling beside it: from its first line to its last,
     * and from the job's creation (validation included).
     */
    private record RoundShare(double rate, double share, double validatedRate, double validatedShare) {
    }

    /** The middle round by {@code order} (the lower middle of an even count). */
    private static RoundShare median(RoundShare[] rounds, Comparator<RoundShare> order) {
        RoundShare[] sorted = rounds.clone();
        Arrays.sort(sorted, order);
        return sorted[(sorted.length - 1) / 2];
    }

    /** What one timed offline job measured; CPU, allocation and threads over its run only. */
    private record Round(long rows, double rate, double validationSeconds, double runSeconds, long jitMillis,
                         long cpuNanos, long allocated, Map<String, ThreadCpu.Usage> threads) {
    }

    /**
     * Creates the job and times it from its first line to its last. The warm-up runs this very
     * method, so that the measuring code is compiled before it is timed too.
     */
    private static Round timedRound(JobEngine engine, StoredFile file, LoadedModel m) throws Exception {
        long created = System.nanoTime();
        BatchJob job = engine.create(file.id(), "/v2/models/" + m.name() + "/infer", "24h", null);
        while (engine.get(job.id()).status() == BatchStatus.VALIDATING) {
            Thread.sleep(1);
        }
        long start = System.nanoTime();
        long jit0 = JIT.getTotalCompilationTime();
        long cpu0 = RawCeiling.processCpuNanos();
        ThreadCpu threads0 = ThreadCpu.read();
        long allocated0 = jobThreadsAllocated();
        job = engine.await(job.id(), Duration.ofHours(1));
        long end = System.nanoTime();
        ThreadCpu threads1 = ThreadCpu.read();
        long jitMillis = JIT.getTotalCompilationTime() - jit0;
        long cpu = RawCeiling.processCpuNanos() - cpu0;
        long allocated = jobThreadsAllocated() - allocated0;
        if (job.status() != BatchStatus.COMPLETED || job.counts().failed() > 0) {
            throw new IllegalStateException("offline job ended " + job.status() + " " + job.counts());
        }
        long rows = job.counts().completed();
        return new Round(rows, rows / ((end - start) / 1e9), (start - created) / 1e9, (end - start) / 1e9, jitMillis,
                cpu, allocated, threads0.usageUntil(threads1, 0));
    }

    /** Bytes the job engine's threads ({@code batchwise-job-*}) have allocated on the heap so far. */
    private static long jobThreadsAllocated() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("batchwise-job")).mapToLong(Thread::getId).toArray();
        return Arrays.stream(mx.getThreadAllocatedBytes(ids)).filter(b -> b > 0).sum();
    }
}
