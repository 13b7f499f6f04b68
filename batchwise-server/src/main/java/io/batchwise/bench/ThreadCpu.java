package io.batchwise.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CPU time and minor page faults of this process's threads, grouped by thread name with its
 * numbering dropped ({@code batchwise-job-3} and {@code batchwise-job-7} are one group), read from
 * {@code /proc/self/task/}: the JVM's own threads (GC, JIT compilers) are there too, which
 * {@link java.lang.management.ThreadMXBean} does not show. Empty where there is no such directory.
 * The kernel counts time in clock ticks (usually 10 ms), so spans of a second or more read well.
 */
final class ThreadCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Clock ticks per second; 100 on every Linux this runs on (sysconf is not reachable from Java). */
    private static final double TICKS_PER_SECOND = 100;
    private final Map<String, Counters> groups;

    /** A group's counters: CPU time in clock ticks (all of it, and the kernel's part), minor page faults. */
    record Counters(long ticks, long kernelTicks, long faults) {
        Counters plus(Counters o) {
            return new Counters(ticks + o.ticks, kernelTicks + o.kernelTicks, faults + o.faults);
        }
    }

    /** What a group used over a span: CPU seconds, of which in the kernel, and minor page faults. */
    record Usage(double seconds, double kernelSeconds, long faults) {
        Usage plus(Usage o) {
            return new Usage(seconds + o.seconds, kernelSeconds + o.kernelSeconds, faults + o.faults);
        }
    }

    private ThreadCpu(Map<String, Counters> groups) {
        this.groups = groups;
    }

    /** The counters now. Threads that end between two readings drop out of the later one. */
    static ThreadCpu read() {
        Map<String, Counters> groups = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    parse(Files.readString(task.resolve("stat")), groups);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException | RuntimeException e) {
            return new ThreadCpu(Map.of());
        }
        return new ThreadCpu(groups);
    }

    /**
     * Adds one task's {@code stat} line to its group: minflt, utime and stime (fields 10, 14 and
     * 15; the name, field 2, is in parentheses and may itself hold spaces and parentheses).
     */
    static void parse(String stat, Map<String, Counters> groups) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String name = stat.substring(open + 1, close).replaceAll("[#\\d]+$", "").replaceAll("[-_ ]+$", "");
        String[] f = stat.substring(close + 2).split(" ");
        long kernel = Long.parseLong(f[12]);
        Counters c = new Counters(Long.parseLong(f[11]) + kernel, kernel, Long.parseLong(f[7]));
        groups.merge(name, c, Counters::plus);
    }

    /**
     * What each group used between {@code this} and {@code later}, most CPU first, groups under
     * {@code floor} seconds left out.
     */
    Map<String, Usage> usageUntil(ThreadCpu later, double floor) {
        return later.groups.entrySet().stream()
                .map(e -> {
                    Counters now = e.getValue();
                    Counters before = groups.getOrDefault(e.getKey(), new Counters(0, 0, 0));
                    return Map.entry(e.getKey(), new Usage((now.ticks() - before.ticks()) / TICKS_PER_SECOND,
                            (now.kernelTicks() - before.kernelTicks()) / TICKS_PER_SECOND,
                            now.faults() - before.faults()));
                })
                .filter(e -> e.getValue().seconds() >= floor)
                .sorted(Comparator.comparing((Map.Entry<String, Usage> e) -> e.getValue().seconds()).reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }
}
