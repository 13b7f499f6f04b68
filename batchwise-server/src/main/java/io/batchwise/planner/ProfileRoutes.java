package io.batchwise.planner;

import io.batchwise.http.ErrorMapper;
import io.batchwise.http.Routes;
import io.batchwise.plan.Profile;
import io.batchwise.plan.ProfileJson;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelNotReady;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.schedule.Scheduler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v2/models/{m}/profile}: the model's live latency model (what its scheduler has
 * learned from warm-up and real runs) in the profile file format, so {@code batchwise plan} can
 * use a running server's numbers: {@code curl .../v2/models/scorer/profile > profiles/scorer.json}.
 */
public final class ProfileRoutes implements Routes {
    private final ModelRegistry registry;
    private final Scheduler scheduler;

    public ProfileRoutes(ModelRegistry registry, Scheduler scheduler) {
        this.registry = registry;
        this.scheduler = scheduler;
    }

    @Override
    public void mount(Router router) {
        router.get("/v2/models/:model/profile").handler(this::profile);
    }

    private void profile(RoutingContext ctx) {
        try {
            LoadedModel m = registry.ready(ctx.pathParam("model"), null);
            List<double[]> curve = scheduler.latencyCurve(m.name());
            if (curve.isEmpty()) {
                throw new ModelNotReady("model '" + m.name() + "' has no latency data yet (no run has finished)");
            }
            Profile p = Profile.live(m.config(), m.instances().size(), curve,
                    Map.of("cores", Integer.toString(Runtime.getRuntime().availableProcessors()),
                            "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
            ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(ProfileJson.write(p));
        } catch (RuntimeException e) {
            ErrorMapper.send(ctx.response(), e);
        }
    }
}
