package io.batchwise.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.http.HttpStatusException;
import io.batchwise.http.RawBody;
import io.batchwise.http.Routes;
import io.batchwise.jobs.BatchJob;
import io.batchwise.jobs.FileStore;
import io.batchwise.jobs.JobCostSource;
import io.batchwise.jobs.JobEngine;
import io.batchwise.jobs.StoredFile;
import io.batchwise.runtime.InferenceService;
import io.batchwise.tensor.InvalidInput;
import io.batchwise.text.Embeddings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * The OpenAI-compatible API, under the same paths and with the same objects as OpenAI's, so the
 * official SDKs work against {@code http://host:port/v1}: Files ({@code /v1/files}), Batches
 * ({@code /v1/batches}) and Embeddings ({@code /v1/embeddings}). Uploads are multipart and
 * streamed to disk by a body handler on the upload route only; JSON bodies are read raw within
 * the server's body limit. Store and file work runs on worker threads, never the event loop.
 */
public final class OpenAiRoutes implements Routes {
    private static final int MAX_FILENAME = 255;

    private final FileStore files;
    private final JobEngine jobs;
    private final Embeddings embeddings;
    private final InferenceService inference;
    private final Executor workers;
    private final OpenAiOptions options;
    private final JobCostSource costs;
    private final RawBody jsonBody;
    private final byte[] expectedAuthorization;

    /**
     * @param workers     threads for store, file and decoding work
     * @param maxBodyBytes largest JSON body (batch creation, embeddings)
     */
    public OpenAiRoutes(FileStore files, JobEngine jobs, Embeddings embeddings, InferenceService inference,
                        Executor workers, OpenAiOptions options, JobCostSource costs, long maxBodyBytes) {
        this.files = files;
        this.jobs = jobs;
        this.embeddings = embeddings;
        this.inference = inference;
        this.workers = workers;
        this.options = options;
        this.costs = costs;
        this.jsonBody = RawBody.limitedTo(maxBodyBytes);
        this.expectedAuthorization = options.apiKey() == null ? null
                : ("Bearer " + options.apiKey()).getBytes(StandardCharsets.UTF_8);
    }

    /** Batch lines report failures as the HTTP layer reports live requests. */
    public static io.batchwise.jobs.RowFailures rowFailures() {
        return OpenAiErrors.rowFailures();
    }

    @Override
    public void mount(Router router) {
        router.route("/v1/*").handler(this::authorize);
        router.route("/v1/*").failureHandler(this::failure);
        BodyHandler upload = BodyHandler.create(files.incoming().toString())
                .setBodyLimit(options.maxFileBytes() + (64 << 10))
                .setHandleFileUploads(true)
                .setDeleteUploadedFilesOnEnd(true);
        // Vert.x wants a route's body handler first, so the content type is checked by a route of its own.
        router.post("/v1/files").handler(this::requireMultipart);
        router.post("/v1/files").handler(upload).handler(this::upload);
        router.get("/v1/files").handler(this::listFiles);
        router.get("/v1/files/:id").handler(ctx -> reply(ctx, () -> OpenAiJson.file(files.get(ctx.pathParam("id")))));
        router.get("/v1/files/:id/content").handler(this::content);
        router.delete("/v1/files/:id").handler(ctx -> reply(ctx, () -> {
            files.delete(ctx.pathParam("id"));
            return OpenAiJson.deleted(ctx.pathParam("id"));
        }));
        router.post("/v1/batches").handler(this::requireJson).handler(jsonBody).handler(this::createBatch);
        router.get("/v1/batches").handler(this::listBatches);
        router.get("/v1/batches/:id").handler(ctx -> reply(ctx, () -> batch(jobs.get(ctx.pathParam("id")))));
        router.post("/v1/batches/:id/cancel").handler(ctx -> reply(ctx, () -> batch(jobs.cancel(ctx.pathParam("id")))));
        router.post("/v1/embeddings").handler(this::requireJson).handler(jsonBody).handler(this::embed);
    }

    private void authorize(RoutingContext ctx) {
        if (expectedAuthorization == null) {
            ctx.next();
            return;
        }
        String given = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (given != null && MessageDigest.isEqual(expectedAuthorization, given.trim().getBytes(StandardCharsets.UTF_8))) {
            ctx.next();
        } else {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            OpenAiErrors.send(ctx.response(), 401, given == null ? "missing API key: send 'Authorization: Bearer <key>'"
                    : "invalid API key", null);
        }
    }

    private void failure(RoutingContext ctx) {
        if (ctx.failure() instanceof IOException e && String.valueOf(e.getMessage()).contains("maximum capacity")) {
            // Netty's multipart decoder buffers a part without a filename as a form field, with a small limit
            OpenAiErrors.send(ctx.response(), 400, "a multipart field is too large for a form field; send the file"
                    + " as a part with a filename (Content-Disposition: form-data; name=\"file\";"
                    + " filename=\"batch.jsonl\")", null);
            return;
        }
        if (ctx.failure() != null) {
            OpenAiErrors.send(ctx.response(), ctx.failure());
            return;
        }
        int code = ctx.statusCode();
        String message = switch (code) {
            case 413 -> "request body larger than the limit of " + options.maxFileBytes() + " bytes";
            case 405 -> "method " + ctx.request().method() + " not allowed on " + ctx.request().path();
            case 404 -> "no such endpoint: " + ctx.request().method() + " " + ctx.request().path();
            default -> "request failed";
        };
        if (code == 413) {
            ctx.response().putHeader("Connection", "close");
        }
        OpenAiErrors.send(ctx.response(), code, message, null);
    }

    private void requireMultipart(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            OpenAiErrors.send(ctx.response(), 415, "upload files as multipart/form-data with fields 'file' and"
                    + " 'purpose' (got Content-Type " + type + ")", null);
            return;
        }
        ctx.next();
    }

    private void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            OpenAiErrors.send(ctx.response(), 415, "send the body as application/json (got Content-Type " + type + ")",
                    null);
            return;
        }
        ctx.next();
    }

    private void upload(RoutingContext ctx) {
        FileUpload file = ctx.fileUploads().stream().filter(f -> f.name().equals("file")).findFirst().orElse(null);
        String purpose = ctx.request().getFormAttribute("purpose");
        String inline = file == null ? ctx.request().getFormAttribute("file") : null;
        reply(ctx, () -> {
            if (file == null && inline != null) {
                checkPurpose(purpose);
                return OpenAiJson.file(files.copyIn(new java.io.ByteArrayInputStream(
                        inline.getBytes(StandardCharsets.UTF_8)), purpose, "upload.jsonl"));
            }
            if (file == null) {
                throw new InvalidInput("the multipart field 'file' is required");
            }
            checkPurpose(purpose);
            if (file.size() > options.maxFileBytes()) {
                throw new HttpStatusException(413, "file of " + file.size() + " bytes is larger than the limit of "
                        + options.maxFileBytes() + " bytes");
            }
            String name = file.fileName() == null || file.fileName().isBlank() ? "upload.jsonl" : file.fileName();
            name = name.length() > MAX_FILENAME ? name.substring(0, MAX_FILENAME) : name;
            StoredFile stored = files.adopt(Path.of(file.uploadedFileName()), purpose, name);
            return OpenAiJson.file(stored);
        });
    }

    private static void checkPurpose(String purpose) {
        if (!FileStore.PURPOSE_BATCH.equals(purpose)) {
            throw new InvalidInput("'purpose' must be 'batch' (got " + (purpose == null ? "none" : "'" + purpose
                    + "'") + ")");
        }
    }

    private void listFiles(RoutingContext ctx) {
        reply(ctx, () -> {
            int limit = intParam(ctx, "limit", 10_000, 1, 10_000);
            String order = ctx.request().getParam("order", "desc");
            if (!order.equals("asc") && !order.equals("desc")) {
                throw new InvalidInput("'order' must be asc or desc (got '" + order + "')");
            }
            return OpenAiJson.list(files.list(ctx.request().getParam("purpose"), ctx.request().getParam("after"),
                    limit, order.equals("asc")), OpenAiJson::file, StoredFile::id);
        });
    }

    private void content(RoutingContext ctx) {
        workers.execute(() -> {
            try {
                Path path = files.content(ctx.pathParam("id"));
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
                        .sendFile(path.toString())
                        .onFailure(e -> OpenAiErrors.send(ctx.response(), e));
            } catch (RuntimeException e) {
                OpenAiErrors.send(ctx.response(), e);
            }
        });
    }

    private void createBatch(RoutingContext ctx) {
        byte[] body = RawBody.of(ctx);
        reply(ctx, () -> {
            JsonNode req = readJson(body);
            Map<String, String> metadata = null;
            JsonNode meta = req.get("metadata");
            if (meta != null && !meta.isNull()) {
                if (!meta.isObject()) {
                    throw new InvalidInput("'metadata' must be an object of string values");
                }
                metadata = new LinkedHashMap<>();
                for (var e : (Iterable<Map.Entry<String, JsonNode>>) meta::fields) {
                    if (!e.getValue().isTextual()) {
                        throw new InvalidInput("metadata '" + e.getKey() + "' must be a string");
                    }
                    metadata.put(e.getKey(), e.getValue().asText());
                }
            }
            BatchJob job = jobs.create(text(req, "input_file_id"), text(req, "endpoint"),
                    text(req, "completion_window"), metadata);
            return batch(job);
        });
    }

    private void listBatches(RoutingContext ctx) {
        reply(ctx, () -> OpenAiJson.list(jobs.list(ctx.request().getParam("after"), intParam(ctx, "limit", 20, 1, 100)),
                this::batch, BatchJob::id));
    }

    private ObjectNode batch(BatchJob job) {
        return OpenAiJson.batch(job, costs.costOf(job.id()));
    }

    private void embed(RoutingContext ctx) {
        byte[] body = RawBody.of(ctx);
        workers.execute(() -> {
            try {
                Embeddings.Prepared p = embeddings.prepare(readJson(body));
                inference.infer(p.model(), null, p.request()).whenComplete((res, err) -> {
                    try {
                        if (err != null) {
                            OpenAiErrors.send(ctx.response(), err);
                        } else {
                            json(ctx, embeddings.response(p, res));
                        }
                    } catch (RuntimeException e) {
                        OpenAiErrors.send(ctx.response(), e);
                    }
                });
            } catch (RuntimeException e) {
                OpenAiErrors.send(ctx.response(), e);
            }
        });
    }

    private static JsonNode readJson(byte[] body) {
        try {
            JsonNode n = OpenAiJson.JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new InvalidInput("the body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new InvalidInput("the body is not valid JSON: " + e.getMessage());
        }
    }

    private static String text(JsonNode req, String field) {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidInput("'" + field + "' must be a string");
        }
        return v.asText();
    }

    private static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
        String v = ctx.request().getParam(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInput("'" + name + "' must be an integer in " + min + ".." + max + " (got '" + v + "')");
    }

    /** Runs {@code body} on a worker thread and answers 200 with its JSON, or the mapped error. */
    private void reply(RoutingContext ctx, Callable<ObjectNode> body) {
        workers.execute(() -> {
            try {
                json(ctx, body.call().toString());
            } catch (Exception e) {
                OpenAiErrors.send(ctx.response(), e);
            }
        });
    }

    private static void json(RoutingContext ctx, String body) {
        if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
        }
    }
}
