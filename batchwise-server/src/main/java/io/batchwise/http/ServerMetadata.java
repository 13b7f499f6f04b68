package io.batchwise.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.TensorSpec;
import java.util.List;

/** JSON bodies of the KServe v2 metadata endpoints, and the server's identity (shared with gRPC). */
public final class ServerMetadata {
    public static final String NAME = "batchwise";
    public static final String VERSION = "0.1.0";
    public static final List<String> EXTENSIONS = List.of("binary_tensor_data", "schedule_policy", "parameters",
            "statistics", "model_repository");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerMetadata() {
    }

    static String server() {
        ObjectNode root = JSON.createObjectNode().put("name", NAME).put("version", VERSION);
        ArrayNode ext = root.putArray("extensions");
        EXTENSIONS.forEach(ext::add);
        return root.toString();
    }

    static String model(LoadedModel m) {
        ObjectNode root = JSON.createObjectNode().put("name", m.name());
        ArrayNode versions = root.putArray("versions");
        m.versions().forEach(v -> versions.add(Long.toString(v)));
        root.put("platform", "onnxruntime_onnx");
        root.put("state", m.state().name());
        if (m.reason() != null) {
            root.put("reason", m.reason());
        }
        ArrayNode inputs = root.putArray("inputs");
        ArrayNode outputs = root.putArray("outputs");
        if (m.signature() != null) {
            m.signature().inputs().forEach(s -> inputs.add(spec(s)));
            m.signature().outputs().forEach(s -> outputs.add(spec(s)));
        }
        if (m.config() != null) {
            ObjectNode cfg = root.putObject("parameters");
            cfg.put("max_batch_size", m.config().maxBatchSize());
            cfg.put("instances", m.config().instances());
            cfg.put("device", m.config().device().toString());
            cfg.put("latency_target_us", m.config().latencyTarget().toNanos() / 1000);
            cfg.put("policy", m.config().batching().policy().name().toLowerCase());
        }
        return root.toString();
    }

    private static ObjectNode spec(TensorSpec s) {
        ObjectNode n = JSON.createObjectNode().put("name", s.name()).put("datatype", s.type().wireName());
        ArrayNode shape = n.putArray("shape");
        for (long d : s.shape()) {
            shape.add(d);
        }
        return n;
    }
}
