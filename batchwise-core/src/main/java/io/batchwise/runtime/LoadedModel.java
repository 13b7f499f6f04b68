package io.batchwise.runtime;

import io.batchwise.model.ModelConfig;
import io.batchwise.model.ModelSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A model the registry knows: ready with its instances, or failed with the reason.
 * Instances are owned by the registry and closed when the model is unloaded.
 */
public final class LoadedModel {
    private final ModelSource source;
    private final ModelSignature signature;
    private final List<ModelInstance> instances;
    private final int lanes;
    private final IntFunction<ModelInstance> openLane;
    private final List<ModelInstance> background = new ArrayList<>();
    private boolean retired;
    private volatile ModelState state;
    private final String reason;

    /**
     * @param lanes    sessions of the bulk lane, opened by {@code openLane} (lane index in) on first
     *                 use
     */
    LoadedModel(ModelSource source, ModelSignature signature, List<ModelInstance> instances, int lanes,
                IntFunction<ModelInstance> openLane, ModelState state, String reason) {
        this.source = source;
        this.signature = signature;
        this.instances = List.copyOf(instances);
        this.lanes = lanes;
        this.openLane = openLane;
        this.state = state;
        this.reason = reason;
    }

    /** A model that failed to load. */
    static LoadedModel failed(ModelSource source, String reason) {
        return new LoadedModel(source, null, List.of(), 0, i -> null, ModelState.FAILED, reason);
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
     * Sessions of the bulk lane: single-threaded, for bulk rows only, run by threads at background
     * priority so that they take only CPU time the live instances leave idle. 0 when bulk rows
     * share the live instances.
     */
    public int laneCount() {
        return lanes;
    }

    /**
     * Lane session {@code i}, opened on first use: a server that never runs a batch job keeps no
     * lane sessions (one per core, each with its own copy of the weights).
     *
     * @throws ModelNotReady when the model has been unloaded, or the session does not open
     */
    public synchronized ModelInstance lane(int i) {
        if (retired) {
            throw new ModelNotReady("model '" + name() + "' was unloaded");
        }
        while (background.size() <= i) {
            background.add(openLane.apply(background.size()));
        }
        return background.get(i);
    }

    /** The lane sessions opened so far. */
    public synchronized List<ModelInstance> backgroundInstances() {
        return List.copyOf(background);
    }

    /** Closes the lane sessions opened so far; later {@link #lane} calls fail. */
    synchronized void closeLanes() {
        retired = true;
        background.forEach(ModelInstance::close);
        background.clear();
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
