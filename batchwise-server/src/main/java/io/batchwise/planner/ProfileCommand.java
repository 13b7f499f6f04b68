package io.batchwise.planner;

import io.batchwise.model.InvalidConfig;
import io.batchwise.model.ModelRepository;
import io.batchwise.model.ModelSource;
import io.batchwise.plan.Profile;
import io.batchwise.plan.ProfileJson;
import io.batchwise.plan.Profiler;
import io.batchwise.runtime.OnnxRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code batchwise profile}: measures a model's throughput and latency per batch size on this machine. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Measure a model with ONNX Runtime: rows/s and latency quantiles for batch sizes 1, 2, 4 ... "
                + "max_batch_size (and each --instances choice). Writes the profile JSON the planner reads.")
public final class ProfileCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model name.")
    String model;

    @Option(names = "--models", description = "Model repository (default: the demo model, generated into a temporary directory).")
    Path models;

    @Option(names = "--instances", split = ",", description = "Instance counts to sweep, e.g. 1,2 (default: the model's instances).")
    List<Integer> instances;

    @Option(names = "--runs", defaultValue = "30", description = "Measured runs per size and instance, at least (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--min-time", defaultValue = "300ms", description = "Least time per size (default ${DEFAULT-VALUE}).")
    String minTime;

    @Option(names = "--out", description = "Profile file to write (default: batchwise-data/profiles/<model>.json).")
    Path out;

    @Override
    public Integer call() throws Exception {
        return Cli.guarded(() -> {
            Path repo = models != null ? models : DemoModelDir.create(model);
            try {
                ModelSource source = new ModelRepository(repo).read(model);
                if (!Files.isDirectory(source.dir())) {
                    throw new InvalidConfig("--model: no model '" + model + "' in " + repo);
                }
                List<Integer> counts = instances == null || instances.isEmpty()
                        ? List.of(source.loadable() ? source.config().instances() : 1) : instances;
                Duration min = io.batchwise.model.Durations.parse("--min-time", minTime);
                Profiler.Options o = new Profiler.Options(counts, 3, runs, min, min.multipliedBy(10));
                System.err.println("profiling " + model + " (instances " + counts + ") on "
                        + Runtime.getRuntime().availableProcessors() + " cores ...");
                Profile p = new Profiler(OnnxRuntime.create(), System.err::println).profile(source, o);
                Path target = out != null ? out : Path.of("batchwise-data", "profiles", model + ".json");
                if (target.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(target.toAbsolutePath().getParent());
                }
                Files.writeString(target, ProfileJson.write(p));
                System.out.println("wrote " + target);
                return 0;
            } finally {
                if (models == null) {
                    DemoModelDir.delete(repo);
                }
            }
        });
    }
}
