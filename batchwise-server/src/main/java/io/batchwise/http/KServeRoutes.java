package io.batchwise.http;

import io.batchwise.runtime.InferenceService;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.ModelState;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
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
    private final InferCodec codec = new InferCodec();
    private final AsyncResults async;
    private final RawBody body;

    /**
     * @param decoders threads that decode bodies and submit requests (never the event loop)
     * @param started  true once every model has been through loading
     */
    public KServeRoutes(ModelRegistry registry, InferenceService inference, Executor decoders, BooleanSupplier started,
                        AsyncResults async, long maxBodyBytes) {
        this.async = async;
        this.body = RawBody.limitedTo(maxBodyBytes);
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
        router.post("/v2/models/:model/infer").handler(body).handler(ctx -> infer(ctx, null));
        router.post("/v2/models/:model/versions/:version/infer").handler(body)
                .handler(ctx -> infer(ctx, ctx.pathParam("version")));
        router.get("/v2/requests/:id").handler(this::asyncResult);
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
        byte[] body = RawBody.of(ctx);
        String headerLength = ctx.request().getHeader(EncodedBody.HEADER_LENGTH);
        String prefer = ctx.request().getHeader("Prefer");
        boolean respondAsync = prefer != null && prefer.toLowerCase().contains("respond-async");
        HttpServerResponse response = ctx.response();
        decoders.execute(() -> {
            CompletableFuture<AsyncResults.Stored> answer = new CompletableFuture<>();
            try {
                registry.get(model, version);
                DecodedInfer decoded = codec.decodeRequest(body, headerLength);
                inference.infer(model, version, decoded.request()).whenCompleteAsync((res, err) -> {
                    try {
                        answer.complete(err != null ? error(err) : ok(codec.encodeResponse(res, decoded.binaryOutputs())));
                    } catch (RuntimeException e) {
                        answer.complete(error(e));
                    }
                }, decoders); // encode off the instance thread, which may have the next run queued
            } catch (RuntimeException e) {
                answer.complete(error(e));
            }
            if (respondAsync && !answer.isDone()) {
                String id = async.register(answer);
                response.setStatusCode(202).putHeader("Location", "/v2/requests/" + id)
                        .putHeader("Content-Type", "application/json")
                        .end("{\"id\":\"" + id + "\",\"status\":\"pending\"}");
            } else {
                answer.thenAccept(stored -> send(response, stored));
            }
        });
    }

    private void asyncResult(RoutingContext ctx) {
        AsyncResults.Lookup found = async.get(ctx.pathParam("id"));
        if (!found.known()) {
            ErrorMapper.send(ctx.response(), 404, "no such request '" + ctx.pathParam("id")
                    + "' (unknown, or its result expired)", null);
        } else if (found.pending()) {
            ctx.response().putHeader("Retry-After", "1");
            json(ctx.response(), 202, "{\"id\":\"" + ctx.pathParam("id") + "\",\"status\":\"pending\"}");
        } else {
            send(ctx.response(), found.result());
        }
    }

    private static AsyncResults.Stored ok(EncodedBody enc) {
        return new AsyncResults.Stored(200, enc.contentType(), enc.headerLength(), enc.body(), null);
    }

    private static AsyncResults.Stored error(Throwable t) {
        ErrorMapper.HttpError e = ErrorMapper.map(t);
        return new AsyncResults.Stored(e.status(), "application/json", null, ErrorMapper.body(e.message()),
                e.retryAfterSeconds());
    }

    private static void send(HttpServerResponse response, AsyncResults.Stored stored) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(stored.status()).putHeader("Content-Type", stored.contentType());
        if (stored.headerLength() != null) {
            response.putHeader(EncodedBody.HEADER_LENGTH, Integer.toString(stored.headerLength()));
        }
        if (stored.retryAfter() != null) {
            response.putHeader("Retry-After", Integer.toString(stored.retryAfter()));
        }
        response.end(Buffer.buffer(stored.body()));
    }

    static void json(HttpServerResponse response, int status, String body) {
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
