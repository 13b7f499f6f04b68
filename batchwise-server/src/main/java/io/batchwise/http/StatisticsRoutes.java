package io.batchwise.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.metrics.InferenceStatistics;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.List;

/**
 * Triton's statistics extension: {@code GET /v2/models/stats} (every model) and
 * {@code GET /v2/models/{m}[/versions/{v}]/stats}, answering
 * {@code {"model_stats": [{"name", "version", "last_inference", "inference_count",
 * "execution_count", "inference_stats": {"success", "fail", "queue", "compute_input",
 * "compute_infer", "compute_output"}, "batch_stats": [{"batch_size", "compute_input",
 * "compute_infer", "compute_output"}]}]}} where each duration is {@code {"count", "ns"}}.
 * See {@link InferenceStatistics} for how batchwise fills each field.
 */
public final class StatisticsRoutes implements Routes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ModelRegistry registry;
    private final InferenceStatistics statistics;

    public StatisticsRoutes(ModelRegistry registry, InferenceStatistics statistics) {
        this.registry = registry;
        this.statistics = statistics;
    }

    @Override
    public void mount(Router router) {
        // Ahead of GET /v2/models/:model, which would otherwise take "stats" for a model name.
        router.get("/v2/models/stats").order(-1).handler(ctx -> send(ctx,
                registry.all().stream().sorted(Comparator.comparing(LoadedModel::name)).toList()));
        router.get("/v2/models/:model/stats").handler(ctx -> one(ctx, null));
        router.get("/v2/models/:model/versions/:version/stats").handler(ctx -> one(ctx, ctx.pathParam("version")));
    }

    private void one(RoutingContext ctx, String version) {
        try {
            send(ctx, List.of(registry.get(ctx.pathParam("model"), version)));
        } catch (RuntimeException e) {
            ErrorMapper.send(ctx.response(), e);
        }
    }

    private void send(RoutingContext ctx, List<LoadedModel> models) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("model_stats");
        for (LoadedModel m : models) {
            list.add(model(m.name(), m.version(), statistics.snapshot(m.name())));
        }
        KServeRoutes.json(ctx.response(), 200, root.toString());
    }

    private static ObjectNode model(String name, String version, InferenceStatistics.Snapshot s) {
        ObjectNode n = JSON.createObjectNode().put("name", name).put("version", version)
                .put("last_inference", s.lastInferenceMillis()).put("inference_count", s.inferenceCount())
                .put("execution_count", s.executionCount());
        ObjectNode inference = n.putObject("inference_stats");
        inference.set("success", duration(s.success()));
        inference.set("fail", duration(s.fail()));
        inference.set("queue", duration(s.queue()));
        inference.set("compute_input", duration(s.computeInput()));
        inference.set("compute_infer", duration(s.computeInfer()));
        inference.set("compute_output", duration(s.computeOutput()));
        ArrayNode batches = n.putArray("batch_stats");
        for (InferenceStatistics.BatchStats b : s.batchStats()) {
            ObjectNode bn = batches.addObject().put("batch_size", b.batchSize());
            bn.set("compute_input", duration(b.computeInput()));
            bn.set("compute_infer", duration(b.computeInfer()));
            bn.set("compute_output", duration(b.computeOutput()));
        }
        return n;
    }

    private static ObjectNode duration(InferenceStatistics.CountAndNanos d) {
        return JSON.createObjectNode().put("count", d.count()).put("ns", d.nanos());
    }
}
