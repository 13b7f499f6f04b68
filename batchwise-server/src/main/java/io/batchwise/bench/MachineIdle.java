package io.batchwise.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Idle CPU of the whole machine over a span, from the first line of {@code /proc/stat} (idle and
 * iowait time over all time); NaN where there is no such file.
 */
final class MachineIdle {
    private static final Path STAT = Path.of("/proc/stat");
    private final long idle;
    private final long total;

    private MachineIdle(long idle, long total) {
        this.idle = idle;
        this.total = total;
    }

    /** The counters now. */
    static MachineIdle read() {
        try {
            List<String> lines = Files.readAllLines(STAT);
            return parse(lines.get(0));
        } catch (IOException | RuntimeException e) {
            return new MachineIdle(-1, -1);
        }
    }

    /** Parses the aggregate {@code cpu} line: user nice system idle iowait irq softirq steal ... */
    static MachineIdle parse(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (!f[0].equals("cpu") || f.length < 6) {
            throw new IllegalArgumentException("not the aggregate cpu line: " + cpuLine);
        }
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) { // guest time is already counted in user
            total += Long.parseLong(f[i]);
        }
        return new MachineIdle(Long.parseLong(f[4]) + Long.parseLong(f[5]), total);
    }

    /** The share of the machine's CPU time that was idle between {@code this} and {@code later}. */
    double idleShareUntil(MachineIdle later) {
        if (total < 0 || later.total <= total) {
            return Double.NaN;
        }
        return (double) (later.idle - idle) / (later.total - total);
    }
}
