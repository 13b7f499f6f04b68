package io.batchwise.bench;

import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelInstance;
import io.batchwise.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Raw rows/s at the max batch size with every session running at once, as a job runs them.
 *
 * @param sustained      rows over the wall-clock time of the measuring window
 * @param medianRun      rows of one run over the median run time, times the sessions: the
 *                       figure {@code bench raw} prints, which leaves out the slow runs
 * @param cpuMicrosPerRow process CPU time per row meanwhile
 */
public record RawCeiling(String layout, double sustained, double medianRun, double cpuMicrosPerRow) {
    /** Measures {@code m} for {@code seconds} on random inputs (seeded). */
    public static RawCeiling measure(LoadedModel m, double seconds, long seed) throws InterruptedException {
        int batch = m.config().maxBatchSize();
        List<List<Tensor>> inputs = List.of(RawBenchCommand.randomInputs(m.signature().inputs(), batch,
                new SplittableRandom(seed)));
        for (ModelInstance instance : m.instances()) {
            for (int i = 0; i < 3; i++) {
                instance.runBatch(inputs, Set.of());
            }
        }
        List<List<Long>> runs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long cpu0 = processCpuNanos();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        for (ModelInstance instance : m.instances()) {
            List<Long> own = new ArrayList<>();
            runs.add(own);
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end || own.size() < 5) {
                    long s = System.nanoTime();
                    instance.runBatch(inputs, Set.of());
                    own.add(System.nanoTime() - s);
                }
            }, "batchwise-bench-ceiling-" + instance.ordinal());
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long total = (long) batch * runs.stream().mapToInt(List::size).sum();
        double cpuPerRow = (processCpuNanos() - cpu0) / 1e3 / total;
        long[] sorted = runs.stream().flatMap(List::stream).mapToLong(Long::longValue).sorted().toArray();
        double medianRun = batch / (sorted[sorted.length / 2] / 1e9) * m.instances().size();
        String layout = m.instances().size() + " session(s) x " + m.config().intraOpThreads() + " thread(s)";
        return new RawCeiling(layout, total / elapsed, medianRun, cpuPerRow);
    }

    /** CPU time of the whole process (all threads, ONNX Runtime's native ones included). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
