package io.batchwise.jobs;

import io.batchwise.model.ModelRepository;
import io.batchwise.onnx.DemoModels;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.schedule.Scheduler;
import io.batchwise.schedule.SchedulerListener;
import io.batchwise.schedule.Ticker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Engine-test fixture: the real {@code tiny} model in ONNX Runtime behind a real scheduler, and
 * a job engine over a store that can be closed, halted (a simulated crash) and reopened.
 */
final class TinyJobs implements AutoCloseable {
    final Path data;
    final MutableClock clock = new MutableClock(1_700_000_000_000L);
    final ModelRegistry registry;
    final Scheduler scheduler;
    JobSettings settings;
    JobStore store;
    FileStore files;
    JobEngine engine;

    TinyJobs(Path dir, JobSettings settings) throws IOException {
        this.data = dir.resolve("jobs");
        Path models = dir.resolve("models");
        Files.createDirectories(models);
        DemoModels.writeTiny(models);
        this.registry = new ModelRegistry(new ModelRepository(models), OnnxRuntime.create());
        registry.loadAll();
        this.scheduler = new Scheduler(registry, Ticker.systemTicker(), new SchedulerListener() { }, false);
        this.settings = settings;
        open();
    }

    void open() {
        store = JobStore.open(data);
        files = new FileStore(store, clock);
        engine = new JobEngine(store, files, scheduler::submit, List.of(new TinyEndpoint()), RowFailures.standard(), clock,
                Ticker.systemTicker(), settings);
        engine.start();
    }

    /** Stops as a killed process would and starts again over the same store. */
    void crashAndRestart() throws InterruptedException {
        engine.halt();
        store.close();
        open();
    }

    /** Stops gracefully and starts again. */
    void restart() {
        engine.close();
        store.close();
        open();
    }

    StoredFile upload(String content) {
        return files.copyIn(new java.io.ByteArrayInputStream(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                FileStore.PURPOSE_BATCH, "in.jsonl");
    }

    String read(String fileId) throws IOException {
        return fileId == null ? "" : Files.readString(files.content(fileId));
    }

    static String lines(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(TinyEndpoint.line(i));
        }
        return b.toString();
    }

    @Override
    public void close() {
        engine.close();
        store.close();
        scheduler.close();
        registry.close();
    }
}
