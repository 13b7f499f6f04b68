package io.batchwise.onnx;

import io.batchwise.tensor.DataType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The built-in demo model repository, in Triton's layout: {@code dir/<model>/config.yaml} and
 * {@code dir/<model>/1/model.onnx}. The weights are seeded, not trained, and the files are
 * byte-identical on every run and machine, so measurements made with them are comparable.
 *
 * <ul>
 *   <li>{@code scorer}: tabular scoring MLP 1024 → 4096 → 4096 → 1024 → 16 with Relu, about
 *       25M weights (100 MB). Weight-heavy on purpose: one row per run is bound by memory
 *       bandwidth, so batching pays off visibly.</li>
 *   <li>{@code embedder}: text embedding. Token ids [-1, 64] look up an 8192 x 256 table, are
 *       averaged over the sequence, pass 256 → 384 (Tanh) → 384 and are L2-normalised.</li>
 *   <li>{@code tiny}: MLP 16 → 32 (Relu) → 4, for protocol and overhead tests.</li>
 * </ul>
 */
public final class DemoModels {
    /** The demo model names, in the order {@link #write(Path)} writes them. */
    public static final List<String> NAMES = List.of("scorer", "embedder", "tiny");

    static final long SEED = 0x6261746368L; // "batch"
    static final int EMBEDDER_VOCAB = 8192;
    static final int EMBEDDER_SEQUENCE = 64;
    static final int EMBEDDER_WIDTH = 256;
    static final int EMBEDDING_SIZE = 384;
    /** Table entries are O(1) like trained embeddings; Xavier over the vocabulary would be tiny. */
    static final float EMBEDDER_TABLE_SCALE = 1.0f;

    private DemoModels() {
    }

    /** Writes all demo models under {@code dir}, replacing earlier copies. */
    public static void write(Path dir) throws IOException {
        writeScorer(dir);
        writeEmbedder(dir);
        writeTiny(dir);
    }

    /** Writes {@code dir/scorer/config.yaml} and {@code dir/scorer/1/model.onnx}. */
    public static void writeScorer(Path dir) throws IOException {
        writeModel(dir, "scorer", scorer(), SCORER_CONFIG);
    }

    /** Writes {@code dir/embedder/config.yaml} and {@code dir/embedder/1/model.onnx}. */
    public static void writeEmbedder(Path dir) throws IOException {
        writeModel(dir, "embedder", embedder(), EMBEDDER_CONFIG);
    }

    /** Writes {@code dir/tiny/config.yaml} and {@code dir/tiny/1/model.onnx}. */
    public static void writeTiny(Path dir) throws IOException {
        writeModel(dir, "tiny", tiny(), TINY_CONFIG);
    }

    /** The scorer graph; cheap, as its weights are generated only when it is written. */
    public static OnnxGraph scorer() {
        return SyntheticModels.mlp("scorer", "features", "score", scorerLayers());
    }

    /** The embedder graph. */
    public static OnnxGraph embedder() {
        OnnxGraph.Builder g = OnnxGraph.builder("embedder")
                .input("input_ids", DataType.INT64, -1, EMBEDDER_SEQUENCE)
                .initializer("embedder.table", new long[] {EMBEDDER_VOCAB, EMBEDDER_WIDTH}, embedderTable())
                .node("Gather", List.of("embedder.table", "input_ids"), List.of("embedder.tokens"))
                // opset 17: axes is an attribute (opset 18 made it an input)
                .node("ReduceMean", List.of("embedder.tokens"), List.of("embedder.pooled"),
                        Attribute.ofInts("axes", 1), Attribute.ofInt("keepdims", 0));
        DenseLayer.addAll(embedderLayers(), g, "embedder.pooled", "embedder.projected");
        return g.node("ReduceL2", List.of("embedder.projected"), List.of("embedder.norm"),
                        Attribute.ofInts("axes", 1), Attribute.ofInt("keepdims", 1))
                .node("Div", List.of("embedder.projected", "embedder.norm"), List.of("embedding"))
                .output("embedding", DataType.FP32, -1, EMBEDDING_SIZE)
                .build();
    }

    /** The tiny graph. */
    public static OnnxGraph tiny() {
        return SyntheticModels.mlp("tiny", "input", "output", tinyLayers());
    }

    static List<DenseLayer> scorerLayers() {
        return DenseLayer.stack("scorer", SEED, new int[] {1024, 4096, 4096, 1024, 16}, "Relu");
    }

    static SeededWeights embedderTable() {
        return SeededWeights.uniform(SplitMix64.derive(SEED, "embedder.table"), EMBEDDER_TABLE_SCALE);
    }

    static List<DenseLayer> embedderLayers() {
        return DenseLayer.stack("embedder", SEED, new int[] {EMBEDDER_WIDTH, EMBEDDING_SIZE, EMBEDDING_SIZE}, "Tanh");
    }

    static List<DenseLayer> tinyLayers() {
        return SyntheticModels.mlpLayers("tiny", SEED, 16, 32, 4);
    }

    private static void writeModel(Path dir, String name, OnnxGraph graph, String config) throws IOException {
        Path modelDir = dir.resolve(name);
        OnnxWriter.write(graph, modelDir.resolve("1").resolve("model.onnx"));
        Files.writeString(modelDir.resolve("config.yaml"), config, StandardCharsets.UTF_8);
    }

    // The configs are plain text rather than serialized records so that their comments survive:
    // they are the first example of the format a user sees.

    private static final String SCORER_CONFIG = """
            # Tabular scoring MLP, 25M weights: one row per run is memory-bound, so batch hard.
            name: scorer
            max_batch_size: 128          # rows per run
            instances: 1
            intra_op_threads: 2
            device: cpu
            latency_target: 50ms         # default budget for requests that name none
            pool: cpu-on-demand
            batching:
              policy: slo                # none | window | slo
              max_queue_delay: 5ms       # used by the window policy
              preferred_batch_sizes: [32, 64, 128]
            queue:
              max_rows: 4096
              timeout_action: reject     # reject | delay
            """;

    private static final String EMBEDDER_CONFIG = """
            # Text embedding model: 64 token ids in, an L2-normalised 384-dim vector out.
            name: embedder
            max_batch_size: 64           # rows per run
            instances: 1
            intra_op_threads: 2
            device: cpu
            latency_target: 100ms        # default budget for requests that name none
            pool: cpu-on-demand
            tokenizer: hashing           # text inputs are hashed into the 8192-token vocabulary
            batching:
              policy: slo                # none | window | slo
              max_queue_delay: 5ms       # used by the window policy
              preferred_batch_sizes: [16, 32, 64]
            queue:
              max_rows: 4096
              timeout_action: reject     # reject | delay
            """;

    private static final String TINY_CONFIG = """
            # Small MLP: its run time is mostly overhead, which makes it the protocol test model.
            name: tiny
            max_batch_size: 64           # rows per run
            instances: 1
            intra_op_threads: 1
            device: cpu
            latency_target: 20ms         # default budget for requests that name none
            pool: cpu-on-demand
            batching:
              policy: slo                # none | window | slo
              max_queue_delay: 5ms       # used by the window policy
              preferred_batch_sizes: [16, 32, 64]
            queue:
              max_rows: 4096
              timeout_action: reject     # reject | delay
            """;
}
