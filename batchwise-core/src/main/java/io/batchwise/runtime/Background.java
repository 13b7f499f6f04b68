package io.batchwise.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Lowers the calling thread to background priority, so that the operating system runs it only on
 * CPU time no other thread of the machine wants, and takes the core back the moment a live
 * thread becomes runnable: preemption by the kernel, at no cost to the work that waits for it.
 *
 * <p>On Linux the thread's id is read from {@code /proc/thread-self} and the thread is moved to
 * {@code SCHED_IDLE} with {@code chrt}, or, where that is refused, to nice 19 with {@code renice}.
 * Both only lower a priority, which needs no privilege. Elsewhere, or when neither command is
 * there, the thread keeps its priority and a warning is logged once.
 */
public final class Background {
    private static final Logger LOG = Logger.getLogger(Background.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private Background() {
    }

    /** Lowers the calling thread; true when it now runs at background priority. */
    public static boolean lowerCurrentThread() {
        String tid;
        try {
            tid = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return warn("no " + THREAD_SELF + " (" + e.getMessage() + ")");
        }
        for (List<String> command : List.of(List.of("chrt", "--idle", "--pid", "0", tid),
                List.of("renice", "-n", "19", "-p", tid))) {
            if (run(command)) {
                return true;
            }
        }
        return warn("neither chrt nor renice could lower thread " + tid);
    }

    private static boolean run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean warn(String why) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warning("background threads keep normal priority: " + why
                    + "; bulk rows will compete with live requests for the cores");
        }
        return false;
    }
}
