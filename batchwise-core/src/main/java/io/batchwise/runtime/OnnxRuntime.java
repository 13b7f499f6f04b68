package io.batchwise.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.batchwise.model.Device;
import io.batchwise.model.ModelConfig;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * The process's ONNX Runtime: the one {@link OrtEnvironment}, and the factory of model
 * instances (sessions) configured from a {@link ModelConfig}.
 */
public final class OnnxRuntime {
    private final OrtEnvironment env;

    private OnnxRuntime(OrtEnvironment env) {
        this.env = env;
    }

    /** The process-wide runtime (ONNX Runtime itself allows one environment per process). */
    public static OnnxRuntime create() {
        return new OnnxRuntime(OrtEnvironment.getEnvironment());
    }

    OrtEnvironment environment() {
        return env;
    }

    /** Execution providers this ONNX Runtime build offers (CPU, CUDA, ...). */
    public EnumSet<OrtProvider> providers() {
        return OrtEnvironment.getAvailableProviders();
    }

    /**
     * Opens one session of a model.
     *
     * @throws ModelNotReady when the file does not load or the device is unavailable
     */
    public ModelInstance open(Path onnxFile, ModelConfig config, int ordinal) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(config.intraOpThreads());
            options.setInterOpNumThreads(1);
            // Idle intra-op threads sleep instead of spinning: spinning takes the cores the HTTP and
            // job threads need on a small machine (-Dbatchwise.ort.spin=true turns it back on).
            options.addConfigEntry("session.intra_op.allow_spinning",
                    Boolean.getBoolean("batchwise.ort.spin") ? "1" : "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (config.device().kind() == Device.Kind.CUDA) {
                if (!providers().contains(OrtProvider.CUDA)) {
                    throw new ModelNotReady("model '" + config.name() + "' asks for device " + config.device()
                            + " but this build of ONNX Runtime has no CUDA execution provider (available: "
                            + providers() + "); rebuild with 'mvn -Pcuda package' on a machine with CUDA 12");
                }
                options.addCUDA(config.device().index());
            }
            OrtSession session = env.createSession(onnxFile.toString(), options);
            return new ModelInstance(this, config.name(), ordinal, session);
        } catch (OrtException e) {
            throw new ModelNotReady("model '" + config.name() + "' failed to load on " + config.device() + ": "
                    + e.getMessage());
        }
    }
}
