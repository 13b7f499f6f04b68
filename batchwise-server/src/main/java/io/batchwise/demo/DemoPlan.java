package io.batchwise.demo;

import io.batchwise.cli.BatchwiseServer;
import io.batchwise.ledger.PriceSheet;
import io.batchwise.plan.Plan;
import io.batchwise.plan.PlannerOptions;
import io.batchwise.plan.Planner;
import io.batchwise.plan.PriceFiles;
import io.batchwise.plan.Profile;
import io.batchwise.plan.WorkloadFile;
import io.batchwise.runtime.LoadedModel;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;

/**
 * The planner's advice for a small built-in workload inventory, from the scorer's latency curve
 * as this run's scheduler learned it (warm-up plus every run of the phases), on the same price
 * sheet.
 */
final class DemoPlan {
    /** Three typical uses of one scoring model, each served today the way teams often start. */
    static final String INVENTORY = """
            workloads:
              - name: checkout-fraud
                model: scorer
                rows_per_day: 2_000_000
                peak_to_average: 4
                latency: 100ms
                current_mode: real-time
              - name: feed-ranking
                model: scorer
                rows_per_day: 30_000_000
                peak_to_average: 2
                latency: 5s
                current_mode: real-time
              - name: nightly-rescore
                model: scorer
                rows_per_day: 200_000_000
                peak_to_average: 1
                latency: 8h
                current_mode: real-time
            """;

    /** Fewer simulated arrivals than {@code plan}'s default: the demo prints advice, not a forecast. */
    private static final int SIMULATED_REQUESTS = 1500;

    private DemoPlan() {
    }

    static Plan plan(BatchwiseServer server, PriceSheet sheet) {
        LoadedModel scorer = server.registry().ready(DemoRepository.LIVE, null);
        List<double[]> curve = server.scheduler().latencyCurve(scorer.name());
        Profile profile = Profile.live(scorer.config(), scorer.instances().size(), curve,
                Map.of("cores", Integer.toString(Runtime.getRuntime().availableProcessors()),
                        "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
        WorkloadFile.Inventory inventory = WorkloadFile.parse(INVENTORY, "built-in demo inventory");
        PlannerOptions options = new PlannerOptions(SIMULATED_REQUESTS, 42, 4096, YearMonth.now(), false);
        return new Planner(PriceFiles.of(sheet), options).plan(inventory, w -> profile);
    }
}
