package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    @Test
    void parse_groupsNumberedThreadsAndAddsUserAndSystemTime() {
        Map<String, ThreadCpu.Counters> groups = new TreeMap<>();
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        ThreadCpu.parse("101 (batchwise-job-3) S 1 1 1 0 -1 0 40 0 0 0 70 5 0 0 20 0 1 0", groups);
        ThreadCpu.parse("102 (batchwise-job-12) R 1 1 1 0 -1 0 2 0 0 0 30 5 0 0 20 0 1 0", groups);
        ThreadCpu.parse("103 (GC Thread#0) S 1 1 1 0 -1 0 7 0 0 0 4 1 0 0 20 0 1 0", groups);
        ThreadCpu.parse("104 (a (b) c) S 1 1 1 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0", groups);

        assertEquals(new ThreadCpu.Counters(110, 10, 42), groups.get("batchwise-job"));
        assertEquals(new ThreadCpu.Counters(5, 1, 7), groups.get("GC Thread"));
        assertEquals(new ThreadCpu.Counters(3, 2, 0), groups.get("a (b) c"));
    }

    @Test
    void usageUntil_onLinux_seesThisThreadsWork() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "not Linux");
        String name = Thread.currentThread().getName(); // the kernel keeps 15 characters of a name
        Thread.currentThread().setName("cpu-test-worker");
        try {
            ThreadCpu before = ThreadCpu.read();
            long end = System.nanoTime() + 300_000_000L;
            long sink = 0;
            while (System.nanoTime() < end) {
                byte[] fresh = new byte[1 << 16];
                sink += fresh[sink == 0 ? 0 : fresh.length - 1] + 1;
            }
            Map<String, ThreadCpu.Usage> usage = before.usageUntil(ThreadCpu.read(), 0);

            ThreadCpu.Usage mine = usage.get("cpu-test-worker");
            assertNotNull(mine, usage.toString());
            assertTrue(mine.seconds() >= 0.1 && mine.seconds() <= 0.5, mine + " after 0.3 s of spinning");
            assertTrue(sink > 0);
        } finally {
            Thread.currentThread().setName(name);
        }
    }
}
