package io.batchwise.http;

import io.batchwise.runtime.InferenceService;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.ModelState;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * KServe v2 / Open Inference Protocol endpoints: health, server and model metadata, readiness
 * and inference (JSON and the binary tensor data extension). Request decoding and inference run
 * off the event loop.
 */
public final class KServeRoutes implements Routes {
    private final ModelRegistry registry;
    private final InferenceService inference;
    private final Executor decoders;
    private final BooleanSupplier started;

    /**
     * @param decoders threads that decode bodies and submit requests (never the event loop)
     * @param started  true once every model has been through loading
     */
    public KServeRoutes(ModelRegistry registry, InferenceService inference, Executor decoders, BooleanSupplier started) {
        this.registry = registry;
        this.inference = inference;
        this.decoders = decoders;
        this.started = started;
    }

    @Override
    public void mount(Router router) {
        router.get("/v2/health/live").handler(ctx -> json(ctx.response(), 200, "{\"live\":true}"));
        router.get("/v2/health/ready").handler(this::ready);
        router.get("/v2").handler(ctx -> json(ctx.response(), 200, ServerMetadata.server()));
        router.get("/v2/models/:model").handler(ctx -> metadata(ctx, null));
        router.get("/v2/models/:model/versions/:version").handler(ctx -> metadata(ctx, ctx.pathParam("version")));
        router.get("/v2/models/:model/ready").handler(ctx -> modelReady(ctx, null));
        router.get("/v2/models/:model/versions/:version/ready")
                .handler(ctx -> modelReady(ctx, ctx.pathParam("version")));
        router.post("/v2/models/:model/infer").handler(ctx -> infer(ctx, null));
        router.post("/v2/models/:model/versions/:version/infer").handler(ctx -> infer(ctx, ctx.pathParam("version")));
    }

    private void ready(RoutingContext ctx) {
        boolean loading = registry.all().stream().anyMatch(m -> m.state() == ModelState.LOADING);
        if (started.getAsBoolean() && !loading) {
            json(ctx.response(), 200, "{\"ready\":true}");
        } else {
            ErrorMapper.send(ctx.response(), 503, "server is still loading models", null);
        }
    }

    private void metadata(RoutingContext ctx, String version) {
        try {
            LoadedModel m = registry.get(ctx.pathParam("model"), version);
            json(ctx.response(), 200, ServerMetadata.model(m));
        } catch (RuntimeException e) {
            ErrorMapper.send(ctx.response(), e);
        }
    }

    private void modelReady(RoutingContext ctx, String version) {
        try {
            LoadedModel m = registry.ready(ctx.pathParam("model"), version);
            json(ctx.response(), 200, "{\"name\":\"" + m.name() + "\",\"ready\":true}");
        } catch (RuntimeException e) {
            ErrorMapper.send(ctx.response(), e);
        }
    }

    private void infer(RoutingContext ctx, String version) {
        String model = ctx.pathParam("model");
        Buffer body = ctx.body().buffer();
        String headerLength = ctx.request().getHeader(InferCodec.HEADER_LENGTH);
        HttpServerResponse response = ctx.response();
        decoders.execute(() -> {
            try {
                DecodedInfer decoded = InferCodec.decode(body == null ? new byte[0] : body.getBytes(), headerLength);
                inference.infer(model, version, decoded.request()).whenComplete((res, err) -> {
                    if (err != null) {
                        ErrorMapper.send(response, err);
                        return;
                    }
                    try {
                        EncodedResponse enc = InferCodec.encode(res, decoded);
                        response.setStatusCode(200).putHeader("Content-Type", enc.contentType());
                        if (enc.headerLength() != null) {
                            response.putHeader(InferCodec.HEADER_LENGTH, Integer.toString(enc.headerLength()));
                        }
                        response.end(Buffer.buffer(enc.body()));
                    } catch (RuntimeException e) {
                        ErrorMapper.send(response, e);
                    }
                });
            } catch (RuntimeException e) {
                ErrorMapper.send(response, e);
            }
        });
    }

    static void json(HttpServerResponse response, int status, String body) {
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
