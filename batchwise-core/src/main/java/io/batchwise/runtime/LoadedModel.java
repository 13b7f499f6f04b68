package io.batchwise.runtime;

import io.batchwise.model.ModelConfig;
import io.batchwise.model.ModelSource;
import java.util.List;

/**
 * A model the registry knows: ready with its instances, or failed with the reason.
 * Instances are owned by the registry and closed when the model is unloaded.
 */
public final class LoadedModel {
    private final ModelSource source;
    private final ModelSignature signature;
    private final List<ModelInstance> instances;
    private final List<ModelInstance> background;
    private volatile ModelState state;
    private final String reason;

    LoadedModel(ModelSource source, ModelSignature signature, List<ModelInstance> instances,
                List<ModelInstance> background, ModelState state, String reason) {
        this.source = source;
        this.signature = signature;
        this.instances = List.copyOf(instances);
        this.background = List.copyOf(background);
        this.state = state;
        this.reason = reason;
    }

    public String name() {
        return source.name();
    }

    public String version() {
        return Long.toString(source.version());
    }

    public List<Long> versions() {
        return source.versions();
    }

    public ModelSource source() {
        return source;
    }

    /** The model's config; null when the config itself failed to parse. */
    public ModelConfig config() {
        return source.config();
    }

    /** Inputs and outputs; null when the model failed to load. */
    public ModelSignature signature() {
        return signature;
    }

    public List<ModelInstance> instances() {
        return instances;
    }

    /**
     * The bulk lane: single-threaded sessions whose runs take only CPU time the live instances
     * leave idle (their threads run at background priority). Empty when bulk rows share the live
     * instances.
     */
    public List<ModelInstance> backgroundInstances() {
        return background;
    }

    public ModelState state() {
        return state;
    }

    void state(ModelState s) {
        this.state = s;
    }

    /** Why the model is not ready, or null. */
    public String reason() {
        return reason;
    }

    public boolean ready() {
        return state == ModelState.READY;
    }
}
