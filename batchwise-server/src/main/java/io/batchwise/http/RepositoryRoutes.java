package io.batchwise.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.ModelState;
import io.batchwise.tensor.InvalidInput;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The model repository extension (Triton's, also used by KServe clients):
 * <ul>
 *   <li>{@code POST /v2/repository/index} with optional {@code {"ready": true}}: every model of
 *       the repository folder and of the registry as {@code [{"name", "version", "state",
 *       "reason"}]}, state READY, LOADING, UNLOADING or UNAVAILABLE (failed to load, or not
 *       loaded: reason "unloaded").
 *   <li>{@code POST /v2/repository/models/{m}/load}: loads or reloads a model from its folder,
 *       starts (and warms up) its scheduler, and answers once it is ready; a model that fails to
 *       load is a 400 with the reason.
 *   <li>{@code POST /v2/repository/models/{m}/unload}: unloads a model. Its queued requests fail
 *       with 503, its running batches finish and answer; other models are untouched.
 * </ul>
 * All three are behind the API key when one is set. Loading and unloading block (sessions are
 * created, running batches are waited for), so they run on Vert.x worker threads.
 */
public final class RepositoryRoutes implements Routes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ModelRegistry registry;
    private final Runnable startSchedulers;
    private final ApiKeyCheck apiKey;
    private final RawBody body;

    /**
     * @param startSchedulers starts the schedulers of ready models that have none yet (after a load)
     */
    public RepositoryRoutes(ModelRegistry registry, Runnable startSchedulers, ApiKeyCheck apiKey, long maxBodyBytes) {
        this.registry = registry;
        this.startSchedulers = startSchedulers;
        this.apiKey = apiKey;
        this.body = RawBody.limitedTo(maxBodyBytes);
    }

    @Override
    public void mount(Router router) {
        router.post("/v2/repository/index").handler(apiKey).handler(body).handler(this::index);
        router.post("/v2/repository/models/:model/load").handler(apiKey).handler(body).handler(this::load);
        router.post("/v2/repository/models/:model/unload").handler(apiKey).handler(body).handler(this::unload);
    }

    private void index(RoutingContext ctx) {
        try {
            JsonNode request = object(RawBody.of(ctx), Set.of("ready"));
            JsonNode readyField = request.get("ready");
            if (readyField != null && !readyField.isBoolean()) {
                throw new InvalidInput("ready: must be true or false (got " + readyField + ")");
            }
            boolean onlyReady = readyField != null && readyField.asBoolean();
            blocking(ctx, () -> {
                Map<String, ObjectNode> entries = new TreeMap<>();
                for (String name : folders()) {
                    entries.put(name, JSON.createObjectNode().put("name", name).put("state", "UNAVAILABLE")
                            .put("reason", "unloaded"));
                }
                for (LoadedModel m : registry.all()) {
                    ObjectNode n = JSON.createObjectNode().put("name", m.name()).put("version", m.version())
                            .put("state", state(m.state()));
                    if (!m.ready() && m.reason() != null) {
                        n.put("reason", m.reason());
                    }
                    entries.put(m.name(), n);
                }
                ArrayNode out = JSON.createArrayNode();
                entries.values().stream().filter(n -> !onlyReady || n.get("state").asText().equals("READY"))
                        .forEach(out::add);
                return out.toString();
            });
        } catch (RuntimeException e) {
            ErrorMapper.send(ctx.response(), e);
        }
    }

    private void load(RoutingContext ctx) {
        try {
            String name = modelName(ctx);
            JsonNode request = object(RawBody.of(ctx), Set.of("parameters"));
            Iterator<String> given = parameterNames(request).iterator();
            if (given.hasNext()) {
                throw new InvalidInput("parameters." + given.next() + ": not supported by batchwise (load reads the "
                        + "model's folder as it is on disk)");
            }
            blocking(ctx, () -> {
                LoadedModel m = registry.load(name);
                if (!m.ready()) {
                    throw new InvalidInput("failed to load model '" + name + "': " + m.reason());
                }
                startSchedulers.run();
                return JSON.createObjectNode().put("name", m.name()).put("version", m.version())
                        .put("state", state(m.state())).toString();
            });
        } catch (RuntimeException e) {
            ErrorMapper.send(ctx.response(), e);
        }
    }

    private void unload(RoutingContext ctx) {
        try {
            String name = modelName(ctx);
            JsonNode request = object(RawBody.of(ctx), Set.of("parameters"));
            for (String key : parameterNames(request)) {
                // batchwise has no ensembles, so no model depends on another: the flag changes nothing.
                if (!key.equals("unload_dependents") || !request.get("parameters").get(key).isBoolean()) {
                    throw new InvalidInput("parameters." + key + ": not supported by batchwise "
                            + "(unload_dependents: true|false is accepted)");
                }
            }
            blocking(ctx, () -> {
                registry.unload(name);
                return JSON.createObjectNode().put("name", name).put("state", "UNAVAILABLE").toString();
            });
        } catch (RuntimeException e) {
            ErrorMapper.send(ctx.response(), e);
        }
    }

    /** Model names are folder names: refuse anything that could leave the repository folder. */
    private static String modelName(RoutingContext ctx) {
        String name = ctx.pathParam("model");
        if (name == null || !name.matches("[A-Za-z0-9_.-]+") || name.equals(".") || name.equals("..")) {
            throw new InvalidInput("model name must be letters, digits, '_', '.' or '-' (got " + name + ")");
        }
        return name;
    }

    private static JsonNode object(byte[] body, Set<String> known) {
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return JSON.createObjectNode();
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            String detail = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
            throw new InvalidInput("request body is not valid JSON (" + detail + ")");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInput("request body must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new InvalidInput(field + ": unknown field (known: " + String.join(", ", known) + ")");
            }
        }
        JsonNode params = node.get("parameters");
        if (params != null && !params.isObject()) {
            throw new InvalidInput("parameters: must be a JSON object");
        }
        return node;
    }

    private static Iterable<String> parameterNames(JsonNode request) {
        JsonNode params = request.get("parameters");
        return params == null ? Set.of() : params::fieldNames;
    }

    private Set<String> folders() {
        Path root = registry.repository().root();
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the model repository " + root + ": " + e.getMessage(), e);
        }
    }

    private static String state(ModelState s) {
        return switch (s) {
            case READY -> "READY";
            case LOADING -> "LOADING";
            case UNLOADING -> "UNLOADING";
            case FAILED, UNAVAILABLE -> "UNAVAILABLE";
        };
    }

    /** Runs blocking work on a worker thread and answers 200 with its JSON, or the mapped error. */
    private static void blocking(RoutingContext ctx, Callable<String> work) {
        ctx.vertx().executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                KServeRoutes.json(ctx.response(), 200, ar.result());
            } else {
                ErrorMapper.send(ctx.response(), ar.cause());
            }
        });
    }
}
