package io.batchwise.grpc;

import io.batchwise.grpc.proto.GRPCInferenceServiceGrpc;
import io.batchwise.grpc.proto.GrpcService.InferBatchStatistics;
import io.batchwise.grpc.proto.GrpcService.InferStatistics;
import io.batchwise.grpc.proto.GrpcService.ModelInferRequest;
import io.batchwise.grpc.proto.GrpcService.ModelInferResponse;
import io.batchwise.grpc.proto.GrpcService.ModelMetadataRequest;
import io.batchwise.grpc.proto.GrpcService.ModelMetadataResponse;
import io.batchwise.grpc.proto.GrpcService.ModelReadyRequest;
import io.batchwise.grpc.proto.GrpcService.ModelReadyResponse;
import io.batchwise.grpc.proto.GrpcService.ModelStatistics;
import io.batchwise.grpc.proto.GrpcService.ModelStatisticsRequest;
import io.batchwise.grpc.proto.GrpcService.ModelStatisticsResponse;
import io.batchwise.grpc.proto.GrpcService.ServerLiveRequest;
import io.batchwise.grpc.proto.GrpcService.ServerLiveResponse;
import io.batchwise.grpc.proto.GrpcService.ServerMetadataRequest;
import io.batchwise.grpc.proto.GrpcService.ServerMetadataResponse;
import io.batchwise.grpc.proto.GrpcService.ServerReadyRequest;
import io.batchwise.grpc.proto.GrpcService.ServerReadyResponse;
import io.batchwise.grpc.proto.GrpcService.StatisticDuration;
import io.batchwise.http.ServerMetadata;
import io.batchwise.metrics.InferenceStatistics;
import io.batchwise.runtime.InferenceService;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelRegistry;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.tensor.InvalidInput;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code inference.GRPCInferenceService}: health, metadata, inference and statistics over gRPC,
 * on the same registry and scheduler as the REST front end. Handlers run on the server's
 * executor (never a transport thread); an inference is answered, once the scheduler completes it,
 * from that executor too. Errors become statuses through {@link GrpcErrors}.
 */
final class InferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    private final ModelRegistry registry;
    private final InferenceService inference;
    private final InferenceStatistics statistics;
    private final BooleanSupplier ready;
    private final Executor executor;

    /** @param executor threads that encode and send answers, so scheduler threads go back to scheduling */
    InferenceGrpcService(ModelRegistry registry, InferenceService inference, InferenceStatistics statistics,
                         BooleanSupplier ready, Executor executor) {
        this.executor = executor;
        this.registry = registry;
        this.inference = inference;
        this.statistics = statistics;
        this.ready = ready;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
        reply(out, () -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
        reply(out, () -> ServerReadyResponse.newBuilder().setReady(ready.getAsBoolean()).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
        reply(out, () -> {
            LoadedModel m = registry.get(name(request.getName()), version(request.getVersion()));
            return ModelReadyResponse.newBuilder().setReady(m.ready()).build();
        });
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
        reply(out, () -> ServerMetadataResponse.newBuilder().setName(ServerMetadata.NAME)
                .setVersion(ServerMetadata.VERSION).addAllExtensions(ServerMetadata.EXTENSIONS).build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
        reply(out, () -> {
            LoadedModel m = registry.get(name(request.getName()), version(request.getVersion()));
            ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder().setName(m.name())
                    .setPlatform("onnxruntime_onnx");
            m.versions().forEach(v -> b.addVersions(Long.toString(v)));
            if (m.signature() != null) {
                m.signature().inputs().forEach(s -> b.addInputs(tensor(s)));
                m.signature().outputs().forEach(s -> b.addOutputs(tensor(s)));
            }
            return b.build();
        });
    }

    private static ModelMetadataResponse.TensorMetadata tensor(TensorSpec s) {
        ModelMetadataResponse.TensorMetadata.Builder t = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(s.name()).setDatatype(s.type().wireName());
        for (long d : s.shape()) {
            t.addShape(d);
        }
        return t.build();
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
        GrpcTensors.Decoded decoded;
        String model;
        String version;
        try {
            model = name(request.getModelName());
            version = version(request.getModelVersion());
            registry.get(model, version);
            decoded = GrpcTensors.decode(request);
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.of(e));
            return;
        }
        ServerCallStreamObserver<ModelInferResponse> call = (ServerCallStreamObserver<ModelInferResponse>) out;
        inference.infer(model, version, decoded.request()).whenCompleteAsync((res, err) -> {
            if (call.isCancelled()) {
                return;
            }
            try {
                if (err != null) {
                    call.onError(GrpcErrors.of(err));
                    return;
                }
                ModelInferResponse encoded;
                try {
                    encoded = GrpcTensors.encode(res, decoded.rawOutputs());
                } catch (RuntimeException e) {
                    call.onError(GrpcErrors.of(e));
                    return;
                }
                call.onNext(encoded);
                call.onCompleted();
            } catch (RuntimeException e) {
                // The client cancelled or disconnected between the check and the answer: nothing to tell.
            }
        }, executor);
    }

    @Override
    public void modelStatistics(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> out) {
        reply(out, () -> {
            List<LoadedModel> models = request.getName().isEmpty()
                    ? registry.all().stream().sorted(Comparator.comparing(LoadedModel::name)).toList()
                    : List.of(registry.get(request.getName(), version(request.getVersion())));
            ModelStatisticsResponse.Builder b = ModelStatisticsResponse.newBuilder();
            for (LoadedModel m : models) {
                b.addModelStats(statistics(m));
            }
            return b.build();
        });
    }

    private ModelStatistics statistics(LoadedModel m) {
        InferenceStatistics.Snapshot s = statistics.snapshot(m.name());
        InferStatistics.Builder inference = InferStatistics.newBuilder()
                .setSuccess(duration(s.success())).setFail(duration(s.fail())).setQueue(duration(s.queue()))
                .setComputeInput(duration(s.computeInput())).setComputeInfer(duration(s.computeInfer()))
                .setComputeOutput(duration(s.computeOutput()));
        ModelStatistics.Builder b = ModelStatistics.newBuilder().setName(m.name()).setVersion(m.version())
                .setLastInference(s.lastInferenceMillis()).setInferenceCount(s.inferenceCount())
                .setExecutionCount(s.executionCount()).setInferenceStats(inference);
        for (InferenceStatistics.BatchStats batch : s.batchStats()) {
            b.addBatchStats(InferBatchStatistics.newBuilder().setBatchSize(batch.batchSize())
                    .setComputeInput(duration(batch.computeInput())).setComputeInfer(duration(batch.computeInfer()))
                    .setComputeOutput(duration(batch.computeOutput())));
        }
        return b.build();
    }

    private static StatisticDuration duration(InferenceStatistics.CountAndNanos d) {
        return StatisticDuration.newBuilder().setCount(d.count()).setNs(d.nanos()).build();
    }

    private static String name(String name) {
        if (name.isEmpty()) {
            throw new InvalidInput("a model name is required");
        }
        return name;
    }

    /** The protocol's empty version means "the served one", which the registry spells null. */
    private static String version(String version) {
        return version.isEmpty() ? null : version;
    }

    private static <T> void reply(StreamObserver<T> out, Supplier<T> answer) {
        T response;
        try {
            response = answer.get();
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.of(e));
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }
}
