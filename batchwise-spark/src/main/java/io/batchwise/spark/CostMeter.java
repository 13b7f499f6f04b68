package io.batchwise.spark;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Measures what a job held and used: executor-seconds (each executor's lifetime within the
 * job, busy or idle: what a cluster bills), task-seconds (time tasks ran, failed attempts
 * included) and the task attempts that failed (and were retried, or failed the job).
 *
 * <p>Executors alive when the job starts are taken from the status tracker (Spark lists the
 * driver there too, so it is left out; in local mode the driver is the one executor); executors
 * that dynamic allocation adds or removes during the job are followed through listener events.
 * Their size in task slots comes from the local master's thread count, else
 * {@code spark.executor.cores}, else the executor-added events; 0 when Spark does not say.
 */
final class CostMeter extends SparkListener {
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?");

    /** What the job held and used. */
    record Usage(double wallSeconds, double executorSeconds, double taskSeconds, int executors, int slotsPerExecutor,
                 int failedAttempts) {
    }

    private final SparkContext sc;
    private final long startMillis;
    private final long startNanos;
    private final Map<String, long[]> lifetimes = new HashMap<>();
    private int slots;
    private long taskMillis;
    private int failedAttempts;

    private CostMeter(SparkContext sc) {
        this.sc = sc;
        this.startMillis = System.currentTimeMillis();
        this.startNanos = System.nanoTime();
        Matcher local = LOCAL.matcher(sc.master());
        if (local.matches()) {
            String n = local.group(1);
            slots = n == null ? 1 : n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
            lifetimes.put("driver", new long[] {startMillis, Long.MAX_VALUE});
        } else {
            slots = sc.getConf().getInt("spark.executor.cores", 0);
            int executors = sc.statusTracker().getExecutorInfos().length - 1;
            for (int i = 0; i < executors; i++) {
                lifetimes.put("initial-" + i, new long[] {startMillis, Long.MAX_VALUE});
            }
        }
    }

    /** Starts measuring now. */
    static CostMeter start(SparkContext sc) {
        CostMeter meter = new CostMeter(sc);
        sc.addSparkListener(meter);
        return meter;
    }

    @Override
    public synchronized void onExecutorAdded(SparkListenerExecutorAdded added) {
        lifetimes.put(added.executorId(), new long[] {added.time(), Long.MAX_VALUE});
        if (slots == 0) {
            slots = added.executorInfo().totalCores();
        }
    }

    @Override
    public synchronized void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        long[] life = lifetimes.get(removed.executorId());
        if (life != null) {
            life[1] = removed.time();
        } else if (lifetimes.keySet().stream().anyMatch(k -> k.startsWith("initial-"))) {
            // one of the executors that were there at the start
            String any = lifetimes.keySet().stream().filter(k -> k.startsWith("initial-")).findFirst().orElseThrow();
            lifetimes.put(removed.executorId(), new long[] {lifetimes.remove(any)[0], removed.time()});
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo() != null) {
            taskMillis += end.taskInfo().duration();
            failedAttempts += end.taskInfo().failed() ? 1 : 0;
        }
    }

    /** Stops measuring and reports. */
    Usage stop() {
        // let the listener bus deliver the job's last task events before reading them
        try {
            sc.listenerBus().waitUntilEmpty(10_000);
        } catch (Exception e) {
            // best effort: a late event only shifts task-seconds slightly
        }
        sc.removeSparkListener(this);
        synchronized (this) {
            long endMillis = System.currentTimeMillis();
            double wall = (System.nanoTime() - startNanos) / 1e9;
            long held = 0;
            for (long[] life : lifetimes.values()) {
                held += Math.max(0, Math.min(life[1], endMillis) - Math.max(life[0], startMillis));
            }
            return new Usage(wall, held / 1000.0, taskMillis / 1000.0, lifetimes.size(), slots, failedAttempts);
        }
    }
}
