package io.batchwise.planner;

import io.batchwise.model.Durations;
import io.batchwise.model.InvalidConfig;
import io.batchwise.plan.Plan;
import io.batchwise.plan.PlanHtml;
import io.batchwise.plan.PlanJson;
import io.batchwise.plan.PlanPrices;
import io.batchwise.plan.PlanTable;
import io.batchwise.plan.Planner;
import io.batchwise.plan.PlannerOptions;
import io.batchwise.plan.PriceFiles;
import io.batchwise.plan.ProfileDirectory;
import io.batchwise.plan.WorkloadFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code batchwise plan WORKLOADS.yaml}: recommends the cheapest serving mode per workload from
 * measured profiles and a price sheet; {@code batchwise plan --validate --model M} checks the
 * simulator against the real server on this machine.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Recommend the cheapest serving mode per workload (profiles + price sheet + simulation of the "
                + "scheduler), with a 12-month forecast; or --validate the simulator against the real server.")
public final class PlanCommand implements Callable<Integer> {
    /** Output formats. */
    enum Format { TABLE, JSON, HTML }

    @Parameters(index = "0", arity = "0..1", paramLabel = "WORKLOADS.yaml", description = "Workload inventory.")
    Path workloads;

    @Option(names = "--profiles", defaultValue = "batchwise-data/profiles",
            description = "Directory of <model>.json profiles (default ${DEFAULT-VALUE}).")
    Path profiles;

    @Option(names = "--pricing", description = "Price sheet YAML (default: built-in).")
    Path pricing;

    @Option(names = "--format", defaultValue = "table", description = "table, json or html (default ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--out", description = "Write the report to this file instead of standard output.")
    Path out;

    @Option(names = "--simulated-requests", defaultValue = "20000",
            description = "Arrivals per simulation (default ${DEFAULT-VALUE}).")
    int simulatedRequests;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--validate", description = "Run the simulator and the real server on the same load; print predicted vs measured.")
    boolean validate;

    @Option(names = "--model", description = "With --validate: the model (default scorer).")
    String model;

    @Option(names = "--models", description = "With --validate: model repository (default: the demo model in a temporary directory).")
    Path models;

    @Option(names = "--rate", defaultValue = "0",
            description = "With --validate: requests per second (default: 40%% of what the profile fits in the budget, at most 300).")
    double rate;

    @Option(names = "--duration", defaultValue = "20s", description = "With --validate: load duration (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--budget", description = "With --validate: latency budget per request (default: the model's latency_target).")
    String budget;

    @Option(names = "--save-profile", description = "With --validate: also write the profile it measured to this file.")
    Path saveProfile;

    @Option(names = "--rows-per-request", defaultValue = "1", description = "With --validate: rows per request (default ${DEFAULT-VALUE}).")
    int rowsPerRequest;

    @Override
    public Integer call() throws Exception {
        return Cli.guarded(() -> {
            PlanPrices prices = pricing == null ? PriceFiles.builtIn() : PriceFiles.read(pricing);
            if (validate) {
                if (workloads != null) {
                    throw new InvalidConfig("--validate takes no workload file");
                }
                PlanValidation.Settings s = new PlanValidation.Settings(model == null ? "scorer" : model, models, rate,
                        Durations.parse("--duration", duration),
                        budget == null ? null : Durations.parse("--budget", budget), rowsPerRequest, seed,
                        Math.max(2000, simulatedRequests), saveProfile);
                PlanValidation.Report r = new PlanValidation(prices, System.err::println).run(s);
                emit(format == Format.JSON ? r.json() : r.table());
                return 0;
            }
            if (workloads == null) {
                throw new InvalidConfig("give a workload file (batchwise plan WORKLOADS.yaml) or --validate --model M");
            }
            WorkloadFile.Inventory inventory = WorkloadFile.read(workloads);
            ProfileDirectory dir = new ProfileDirectory(profiles);
            PlannerOptions options = new PlannerOptions(simulatedRequests, seed, 4096, YearMonth.now().plusMonths(1),
                    format == Format.HTML);
            Plan plan = new Planner(prices, options).plan(inventory, dir::forWorkload);
            emit(switch (format) {
                case TABLE -> PlanTable.write(plan);
                case JSON -> PlanJson.write(plan);
                case HTML -> PlanHtml.write(plan);
            });
            return 0;
        });
    }

    private void emit(String text) throws java.io.IOException {
        if (out == null) {
            System.out.print(text);
        } else {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, text);
            System.err.println("wrote " + out);
        }
    }
}
