package io.batchwise.spark;

import io.batchwise.http.ErrorMapper;
import io.batchwise.jobs.BatchEndpoint;
import io.batchwise.jobs.EmbeddingsEndpoint;
import io.batchwise.jobs.RowFailure;
import io.batchwise.jobs.RowFailures;
import io.batchwise.model.ModelRepository;
import io.batchwise.openai.KServeLines;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelNotReady;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.OnnxRuntime;
import io.batchwise.text.Embeddings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model as an executor runs batch lines on it: the same endpoints as {@code batch run} and
 * the server ({@link KServeLines}, {@link EmbeddingsEndpoint}) decoding the lines' bodies and
 * encoding their responses, a one-model {@link ModelRegistry} they look the model up in, and
 * the JVM's {@link InstancePool}, whose first session is the registry's own.
 *
 * <p>The registry reads a repository laid out in a temp folder: the model's file (the shipped
 * copy or the shared path) linked in as {@code <model>/<version>/model.onnx}, next to its
 * {@code config.yaml} with one instance, so the registry opens exactly one session.
 */
final class LineModel {
    /** Failures reported as the HTTP layer reports them live (and as {@code batch run} does). */
    static final RowFailures FAILURES = t -> {
        ErrorMapper.HttpError e = ErrorMapper.map(t);
        return new RowFailure(e.status(), e.message());
    };

    private final LoadedModel model;
    private final InstancePool pool;
    private final List<BatchEndpoint> endpoints;

    private LineModel(LoadedModel model, InstancePool pool, List<BatchEndpoint> endpoints) {
        this.model = model;
        this.pool = pool;
        this.endpoints = endpoints;
    }

    static LineModel open(ModelFile file, Path onnx) {
        Path repository = repository(file, onnx);
        OnnxRuntime runtime = OnnxRuntime.create();
        ModelRegistry registry = new ModelRegistry(new ModelRepository(repository), runtime);
        LoadedModel m = registry.load(file.name());
        if (!m.ready()) {
            throw new ModelNotReady("model '" + file.name() + "' failed to load on an executor: " + m.reason());
        }
        InstancePool pool = new InstancePool(runtime, m.source().onnxFile(), m.config(), m.instances().get(0));
        return new LineModel(m, pool, List.of(new KServeLines(registry),
                new EmbeddingsEndpoint(new Embeddings(registry))));
    }

    private static Path repository(ModelFile file, Path onnx) {
        try {
            Path root = Files.createTempDirectory("batchwise-lines");
            Path dir = root.resolve(file.name());
            Path version = dir.resolve(Long.toString(file.version()));
            Files.createDirectories(version);
            Path link = Files.createSymbolicLink(version.resolve("model.onnx"), onnx);
            Path config = Files.writeString(dir.resolve("config.yaml"), file.executorConfigYaml());
            for (Path p : List.of(root, dir, version, link, config)) {
                p.toFile().deleteOnExit();
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out model '" + file.name() + "' for its registry: "
                    + e.getMessage(), e);
        }
    }

    LoadedModel model() {
        return model;
    }

    InstancePool pool() {
        return pool;
    }

    /**
     * The endpoint a batch's lines call.
     *
     * @throws IllegalArgumentException when no endpoint serves that path
     */
    BatchEndpoint endpoint(String path) {
        return endpoints.stream().filter(e -> e.serves(path)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no batch endpoint serves '" + path + "'; use /v2/models/"
                        + model.name() + "/infer or /v1/embeddings"));
    }
}
