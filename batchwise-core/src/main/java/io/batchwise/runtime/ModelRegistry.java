package io.batchwise.runtime;

import io.batchwise.model.ModelConfig;
import io.batchwise.model.ModelRepository;
import io.batchwise.model.ModelSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The models a server holds, loaded from a {@link ModelRepository}. A model that fails to load
 * is kept with its reason (shown in its metadata and the log) and does not stop the others.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelRegistry.class.getName());

    private final ModelRepository repository;
    private final OnnxRuntime runtime;
    private final UnaryOperator<ModelConfig> layout;
    private final Map<String, LoadedModel> models = new ConcurrentHashMap<>();
    private final List<Consumer<LoadedModel>> unloadListeners = new CopyOnWriteArrayList<>();

    public ModelRegistry(ModelRepository repository, OnnxRuntime runtime) {
        this(repository, runtime, UnaryOperator.identity());
    }

    /**
     * A registry that opens each model with {@code layout} applied to its configuration (say,
     * {@link ModelConfig#forThroughput} for an offline run).
     */
    public ModelRegistry(ModelRepository repository, OnnxRuntime runtime, UnaryOperator<ModelConfig> layout) {
        this.repository = repository;
        this.runtime = runtime;
        this.layout = layout;
    }

    public ModelRepository repository() {
        return repository;
    }

    /** Loads every model of the repository; returns the ones now known (ready or failed). */
    public Collection<LoadedModel> loadAll() {
        for (ModelSource source : repository.scan()) {
            load(source);
        }
        return models.values();
    }

    /** (Re)loads one model by name from the repository. */
    public LoadedModel load(String name) {
        ModelSource source = repository.read(name);
        if (!source.dir().toFile().isDirectory()) {
            throw new ModelNotFound("model '" + name + "' is not in the repository " + repository.root());
        }
        return load(source);
    }

    private synchronized LoadedModel load(ModelSource source) {
        LoadedModel old = models.get(source.name());
        LoadedModel loaded = open(source);
        models.put(source.name(), loaded);
        if (old != null) {
            retire(old);
        }
        if (loaded.ready()) {
            LOG.info(() -> "loaded model " + source.name() + " version " + source.version() + " ("
                    + loaded.instances().size() + " instance(s)" + (loaded.laneCount() == 0 ? ""
                    : ", bulk lane of " + loaded.laneCount() + " opened by the first batch row") + ")");
        } else {
            LOG.warning(() -> "model " + source.name() + " failed to load: " + loaded.reason());
        }
        return loaded;
    }

    private LoadedModel open(ModelSource configured) {
        if (!configured.loadable()) {
            return LoadedModel.failed(configured, configured.configError());
        }
        List<ModelInstance> instances = new ArrayList<>();
        try {
            ModelSource source = new ModelSource(configured.name(), configured.dir(), configured.version(),
                    configured.versions(), configured.onnxFile(), layout.apply(configured.config()), null);
            ModelConfig config = source.config();
            for (int i = 0; i < config.instances(); i++) {
                instances.add(runtime.open(source.onnxFile(), config, i));
            }
            int lanes = config.bulkLane(Runtime.getRuntime().availableProcessors());
            ModelConfig laneConfig = config.withLayout(Math.max(1, lanes), 1);
            ModelSignature signature = instances.get(0).signature();
            return new LoadedModel(source, signature, instances, lanes,
                    i -> runtime.open(source.onnxFile(), laneConfig, config.instances() + i), ModelState.READY, null);
        } catch (RuntimeException e) {
            instances.forEach(ModelInstance::close);
            return LoadedModel.failed(configured, e.getMessage());
        }
    }

    /** Unloads a model: listeners (schedulers) drain or fail its queued work, then its sessions close. */
    public synchronized void unload(String name) {
        LoadedModel model = models.remove(name);
        if (model == null) {
            throw new ModelNotFound("model '" + name + "' is not loaded");
        }
        retire(model);
    }

    private void retire(LoadedModel model) {
        model.state(ModelState.UNLOADING);
        for (Consumer<LoadedModel> listener : unloadListeners) {
            listener.accept(model);
        }
        model.instances().forEach(ModelInstance::close);
        model.closeLanes();
        model.state(ModelState.UNAVAILABLE);
    }

    /** Called with a model before its instances are closed (on unload or reload). */
    public void onUnload(Consumer<LoadedModel> listener) {
        unloadListeners.add(listener);
    }

    /** The model of that name, ready or not. @throws ModelNotFound when unknown */
    public LoadedModel get(String name) {
        LoadedModel m = models.get(name);
        if (m == null) {
            throw new ModelNotFound("unknown model '" + name + "'");
        }
        return m;
    }

    /** The model of that name and version (null version: the served one). */
    public LoadedModel get(String name, String version) {
        LoadedModel m = get(name);
        if (version != null && !version.isEmpty() && !version.equals(m.version())) {
            throw new ModelNotFound("model '" + name + "' has no version '" + version + "' (serving " + m.version()
                    + ")");
        }
        return m;
    }

    /** The served model, ready to run. @throws ModelNotReady when it failed or is unloading */
    public LoadedModel ready(String name, String version) {
        LoadedModel m = get(name, version);
        if (!m.ready()) {
            throw new ModelNotReady("model '" + name + "' is not ready (" + m.state().name().toLowerCase()
                    + (m.reason() == null ? "" : ": " + m.reason()) + ")");
        }
        return m;
    }

    public Collection<LoadedModel> all() {
        return List.copyOf(models.values());
    }

    /** Closes every model's sessions; idempotent. */
    @Override
    public synchronized void close() {
        for (LoadedModel m : List.copyOf(models.values())) {
            models.remove(m.name());
            retire(m);
        }
    }
}
