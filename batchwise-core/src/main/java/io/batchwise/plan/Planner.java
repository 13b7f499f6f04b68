package io.batchwise.plan;

import io.batchwise.model.BatchingConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Recommends how to serve each workload of an inventory: every {@link Mode} is evaluated from
 * the model's profile and the price sheet (live modes sized by simulating the scheduler, batch
 * modes costed from throughput at the best batch size), the cheapest feasible one is chosen,
 * and monthly spend is forecast for 12 months with each workload's growth.
 */
public final class Planner {
    private final PlanPrices prices;
    private final PlannerOptions options;

    public Planner(PlanPrices prices, PlannerOptions options) {
        this.prices = prices;
        this.options = options;
    }

    /** Plans an inventory; {@code profiles} gives each workload's model profile. */
    public Plan plan(WorkloadFile.Inventory inventory, Function<Workload, Profile> profiles) {
        List<Plan.WorkloadPlan> plans = new ArrayList<>();
        List<Context> contexts = new ArrayList<>();
        for (Workload w : inventory.workloads()) {
            Context c = context(w, profiles.apply(w), inventory.assumptions());
            contexts.add(c);
            plans.add(evaluate(c));
        }
        return new Plan(prices.currency(), inventory.assumptions(), plans, forecast(contexts, plans));
    }

    /** A workload with what it is evaluated against. */
    private record Context(Workload workload, Profile profile, PlanPrices.Pool pool, PlanPrices.Pool spot,
                           Assumptions assumptions, LiveSizer sizer) {
    }

    private Context context(Workload w, Profile profile, Assumptions a) {
        String poolName = w.pool() != null ? w.pool() : profile.pool();
        List<String> names = prices.pools().stream().map(PlanPrices.Pool::name).toList();
        PlanPrices.Pool pool = prices.pool(poolName).orElseThrow(() -> w.pool() != null
                ? w.origin().error("pool", "no pool '" + poolName + "' in the price sheet (it has " + names + ")")
                : w.origin().error("model", "the profile of '" + w.model() + "' names pool '" + poolName
                        + "', which the price sheet lacks (it has " + names + "); set this workload's pool"));
        Optional<PlanPrices.Pool> spot = prices.spotFor(poolName, w.spotPool());
        if (w.spotPool() != null && (spot.isEmpty() || !spot.get().spot())) {
            throw w.origin().error("spot_pool", spot.isEmpty() ? "no pool '" + w.spotPool() + "' in the price sheet"
                    : "pool '" + w.spotPool() + "' is " + spot.get().category() + ", not spot");
        }
        return new Context(w, profile, pool, spot.orElse(null), a, new LiveSizer(profile, pool, options));
    }

    private Plan.WorkloadPlan evaluate(Context c) {
        Workload w = c.workload();
        LiveSizer sizer = c.sizer();
        ServiceCurve curve = ServiceCurve.of(c.profile().pointsFor(1));
        List<ModeEstimate> modes = new ArrayList<>();
        for (Mode m : Mode.values()) {
            modes.add(estimate(m, c, sizer, curve));
        }
        Mode best = modes.stream().filter(ModeEstimate::feasible).min(preference(w)).map(ModeEstimate::mode)
                .orElse(null);
        ModeEstimate current = modes.get(w.currentMode().ordinal());
        double saving = best == null || !current.feasible() ? Double.NaN
                : current.monthlyCost() - modes.get(best.ordinal()).monthlyCost();
        Map<Mode, List<double[]>> latency = new EnumMap<>(Mode.class);
        if (options.chartPoints()) {
            for (Mode m : List.of(Mode.REAL_TIME, Mode.MICRO_BATCH)) {
                ModeEstimate e = modes.get(m.ordinal());
                if (e.feasible()) {
                    latency.put(m, sizer.latencyVsLoad(m, w, e.instances()));
                }
            }
        }
        return new Plan.WorkloadPlan(w, c.profile(), modes, best, saving, costVsBatchSize(c, curve), latency);
    }

    /**
     * Cheapest first. Among equal costs: the deferred class when the requirement is long enough
     * for it (batchwise itself would serve such budgets as deferred), then the lower simulated
     * p99 (same money, better service), then the more responsive mode.
     */
    private static Comparator<ModeEstimate> preference(Workload w) {
        boolean deferrable = w.latency().compareTo(BatchingConfig.DEFAULT.deferredThreshold()) >= 0;
        return Comparator.<ModeEstimate>comparingDouble(e -> Math.round(e.monthlyCost() * 1e6) / 1e6)
                .thenComparing(e -> !(deferrable && e.mode() == Mode.NEAR_REAL_TIME))
                .thenComparingDouble(e -> Double.isNaN(e.p99Seconds()) ? Double.MAX_VALUE : e.p99Seconds())
                .thenComparing(ModeEstimate::mode);
    }

    private ModeEstimate estimate(Mode m, Context c, LiveSizer sizer, ServiceCurve curve) {
        if (m.live()) {
            return sizer.size(m, c.workload());
        }
        if (m == Mode.BATCH_SPOT && c.spot() == null) {
            return ModeEstimate.infeasible(m, null, "the price sheet has no spot pool for '" + c.pool().name() + "'");
        }
        return BatchCost.estimate(m, c.workload(), curve, m == Mode.BATCH_SPOT ? c.spot() : c.pool(),
                c.profile().slotsPerInstance(), c.assumptions());
    }

    private static List<double[]> costVsBatchSize(Context c, ServiceCurve curve) {
        List<double[]> out = new ArrayList<>();
        int slots = c.profile().slotsPerInstance();
        for (int size : curve.sizes()) {
            double rps = curve.rowsPerSecond(size);
            double live = c.pool().ratePerHour(slots) / 3600 / rps * 1000;
            double spot = c.spot() == null ? Double.NaN
                    : c.spot().ratePerHour(slots) / 3600 / rps * 1000 * (1 + c.assumptions().spotPreemptionOverhead());
            out.add(new double[] {size, live, spot});
        }
        return out;
    }

    /**
     * Month m (1..12) carries rows x (1 + growth)^(m-1). Live modes are sized again by
     * simulation at each month's peak (searching up from the previous month's count while
     * traffic grows); batch modes are costed again at the month's volume; each month takes the
     * cheapest feasible mode.
     */
    private List<Plan.ForecastMonth> forecast(List<Context> contexts, List<Plan.WorkloadPlan> plans) {
        List<Map<Mode, Integer>> previous = new ArrayList<>();
        for (Plan.WorkloadPlan p : plans) {
            Map<Mode, Integer> k = new EnumMap<>(Mode.class);
            p.modes().stream().filter(e -> e.feasible() && e.mode().live()).forEach(e -> k.put(e.mode(), e.instances()));
            previous.add(k);
        }
        List<Plan.ForecastMonth> out = new ArrayList<>();
        for (int month = 1; month <= 12; month++) {
            List<Plan.ForecastEntry> entries = new ArrayList<>();
            double total = 0;
            for (int i = 0; i < contexts.size(); i++) {
                Context c = contexts.get(i);
                Workload w = c.workload();
                double factor = Math.pow(1 + w.growthPerMonth(), month - 1);
                Mode best = null;
                double cost = Double.NaN;
                // Batch modes first (a formula), then live ones by base cost: growing traffic never
                // makes a live mode cheaper, so one that already costs more is not sized again.
                List<ModeEstimate> order = plans.get(i).modes().stream().filter(ModeEstimate::feasible)
                        .sorted(Comparator.comparing((ModeEstimate e) -> e.mode().live())
                                .thenComparingDouble(ModeEstimate::monthlyCost))
                        .toList();
                for (ModeEstimate e : order) {
                    if (e.mode().live() && factor > 1 && best != null && e.monthlyCost() >= cost) {
                        continue;
                    }
                    double monthly = monthlyAt(e, c, factor, previous.get(i));
                    if (!Double.isNaN(monthly) && (best == null || monthly < cost)) {
                        best = e.mode();
                        cost = monthly;
                    }
                }
                entries.add(new Plan.ForecastEntry(w.name(), best, w.rowsPerDay() * factor, cost));
                if (best != null) {
                    total += cost;
                }
            }
            out.add(new Plan.ForecastMonth(month, options.firstMonth().plusMonths(month - 1), total, entries));
        }
        return out;
    }

    private double monthlyAt(ModeEstimate e, Context c, double factor, Map<Mode, Integer> previous) {
        if (factor == 1) {
            return e.monthlyCost();
        }
        if (e.mode().live()) {
            int from = factor > 1 ? previous.get(e.mode()) : 0;
            int instances = c.sizer().instancesAt(e.mode(), c.workload().scaled(factor), from);
            if (instances < 0) {
                return Double.NaN;
            }
            previous.put(e.mode(), instances);
            return e.monthlyCost() / e.instances() * instances;
        }
        ServiceCurve curve = ServiceCurve.of(c.profile().pointsFor(1));
        return BatchCost.estimate(e.mode(), c.workload().scaled(factor), curve,
                e.mode() == Mode.BATCH_SPOT ? c.spot() : c.pool(), c.profile().slotsPerInstance(),
                c.assumptions()).monthlyCost();
    }
}
