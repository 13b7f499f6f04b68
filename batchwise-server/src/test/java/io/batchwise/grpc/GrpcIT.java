package io.batchwise.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import io.batchwise.grpc.proto.GRPCInferenceServiceGrpc;
import io.batchwise.grpc.proto.GrpcService.InferParameter;
import io.batchwise.grpc.proto.GrpcService.ModelInferRequest;
import io.batchwise.grpc.proto.GrpcService.ModelInferResponse;
import io.batchwise.grpc.proto.GrpcService.ModelMetadataRequest;
import io.batchwise.grpc.proto.GrpcService.ModelMetadataResponse;
import io.batchwise.grpc.proto.GrpcService.ModelReadyRequest;
import io.batchwise.grpc.proto.GrpcService.ModelStatistics;
import io.batchwise.grpc.proto.GrpcService.ModelStatisticsRequest;
import io.batchwise.grpc.proto.GrpcService.ModelStatisticsResponse;
import io.batchwise.grpc.proto.GrpcService.ServerLiveRequest;
import io.batchwise.grpc.proto.GrpcService.ServerMetadataRequest;
import io.batchwise.grpc.proto.GrpcService.ServerMetadataResponse;
import io.batchwise.grpc.proto.GrpcService.ServerReadyRequest;
import io.batchwise.http.HttpOptions;
import io.batchwise.onnx.DemoModels;
import io.batchwise.onnx.OnnxWriter;
import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC front end against a real server on real ports, called with grpc-java's own client. */
class GrpcIT {
    private static final int MAX_MESSAGE = 1 << 20;

    @TempDir
    static Path dir;
    static BatchwiseServer server;
    static ManagedChannel channel;
    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    static void start() throws IOException {
        Path models = dir.resolve("models");
        // The demo tiny model with a generous default budget, so a busy build machine cannot expire requests.
        OnnxWriter.write(DemoModels.tiny(), models.resolve("tiny/1/model.onnx"));
        Files.writeString(models.resolve("tiny/config.yaml"),
                "max_batch_size: 64\nlatency_target: 10s\nbatching: {policy: window, max_queue_delay: 1ms}\n");
        OnnxWriter.write(DemoModels.tiny(), models.resolve("small_queue/1/model.onnx"));
        Files.writeString(models.resolve("small_queue/config.yaml"), "max_batch_size: 4\nlatency_target: 10s\nqueue: {max_rows: 4}\n");
        Files.createDirectories(models.resolve("broken/1"));
        Files.writeString(models.resolve("broken/1/model.onnx"), "not an onnx file");
        ServerSettings settings = new ServerSettings(new HttpOptions("127.0.0.1", 0, MAX_MESSAGE), models,
                dir.resolve("data"), null).withGrpcPort(0);
        server = BatchwiseServer.start(settings);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
                .maxInboundMessageSize(16 << 20).build();
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub call() {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static Status.Code failure(Supplier<?> rpc) {
        return assertThrows(StatusRuntimeException.class, rpc::get).getStatus().getCode();
    }

    private static Tensor rows(int n) {
        float[] values = new float[n * 16];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i * 0.37) * 2;
        }
        return Tensor.ofFloats("input", new long[] {n, 16}, values);
    }

    private static ModelInferRequest raw(String model, Tensor input) {
        return ModelInferRequest.newBuilder().setModelName(model).addInputs(GrpcTensors.inputHeader(input))
                .addRawInputContents(GrpcTensors.raw(input)).build();
    }

    /** The same rows run directly on the model's ONNX Runtime session, bypassing every front end. */
    private static Tensor direct(Tensor input) {
        return server.registry().get("tiny").instances().get(0).runBatch(List.of(List.of(input)), Set.of())
                .get(0).get(0);
    }

    @Test
    void serverLive_running_isLive() {
        assertTrue(call().serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    }

    @Test
    void serverReady_afterStart_isReady() {
        assertTrue(call().serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
    }

    @Test
    void serverMetadata_namesServerAndExtensions() {
        ServerMetadataResponse m = call().serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertEquals("batchwise", m.getName());
        assertFalse(m.getVersion().isEmpty());
        assertTrue(m.getExtensionsList().contains("statistics"), m.getExtensionsList().toString());
    }

    @Test
    void modelReady_loadedModel_isReady() {
        assertTrue(call().modelReady(ModelReadyRequest.newBuilder().setName("tiny").build()).getReady());
        assertTrue(call().modelReady(ModelReadyRequest.newBuilder().setName("tiny").setVersion("1").build()).getReady());
    }

    @Test
    void modelReady_modelThatFailedToLoad_isNotReady() {
        assertFalse(call().modelReady(ModelReadyRequest.newBuilder().setName("broken").build()).getReady());
    }

    @Test
    void modelReady_unknownModelOrVersion_isNotFound() {
        assertEquals(Status.Code.NOT_FOUND, failure(() -> call().modelReady(
                ModelReadyRequest.newBuilder().setName("nope").build())));
        assertEquals(Status.Code.NOT_FOUND, failure(() -> call().modelReady(
                ModelReadyRequest.newBuilder().setName("tiny").setVersion("7").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, failure(() -> call().modelReady(
                ModelReadyRequest.getDefaultInstance())));
    }

    @Test
    void modelMetadata_tiny_describesInputsAndOutputs() {
        ModelMetadataResponse m = call().modelMetadata(ModelMetadataRequest.newBuilder().setName("tiny").build());
        assertEquals("tiny", m.getName());
        assertEquals(List.of("1"), m.getVersionsList());
        assertEquals("onnxruntime_onnx", m.getPlatform());
        assertEquals("input", m.getInputs(0).getName());
        assertEquals("FP32", m.getInputs(0).getDatatype());
        assertEquals(List.of(-1L, 16L), m.getInputs(0).getShapeList());
        assertEquals("output", m.getOutputs(0).getName());
        assertEquals(List.of(-1L, 4L), m.getOutputs(0).getShapeList());
    }

    @Test
    void modelMetadata_unknownModel_isNotFound() {
        assertEquals(Status.Code.NOT_FOUND, failure(() -> call().modelMetadata(
                ModelMetadataRequest.newBuilder().setName("nope").build())));
    }

    @Test
    void modelInfer_rawInputContents_answersRawOutputsEqualToOnnxRuntime() {
        Tensor input = rows(3);
        ModelInferResponse res = call().modelInfer(raw("tiny", input).toBuilder().setId("req-7").build());
        assertEquals("tiny", res.getModelName());
        assertEquals("1", res.getModelVersion());
        assertEquals("req-7", res.getId());
        assertEquals(1, res.getRawOutputContentsCount());
        assertFalse(res.getOutputs(0).hasContents());
        Tensor out = GrpcTensors.outputs(res).get(0);
        assertEquals("output", out.name());
        assertArrayEquals(new long[] {3, 4}, out.shape());
        assertArrayEquals(direct(input).toDoubles(), out.toDoubles(), 1e-6);
    }

    @Test
    void modelInfer_typedContents_answersTypedOutputsEqualToRaw() {
        Tensor input = rows(2);
        ModelInferResponse res = call().modelInfer(ModelInferRequest.newBuilder().setModelName("tiny")
                .setModelVersion("1").addInputs(GrpcTensors.typedInput(input))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output")).build());
        assertEquals(0, res.getRawOutputContentsCount());
        assertEquals(8, res.getOutputs(0).getContents().getFp32ContentsCount());
        assertArrayEquals(direct(input).toDoubles(), GrpcTensors.outputs(res).get(0).toDoubles(), 1e-6);
    }

    @Test
    void modelInfer_timeoutParameter_isHonoured() {
        ModelInferRequest ok = raw("tiny", rows(1)).toBuilder()
                .putParameters("timeout", InferParameter.newBuilder().setInt64Param(5_000_000).build()).build();
        assertEquals(1, call().modelInfer(ok).getOutputsCount());
        // One microsecond cannot be met: refused at admission (HTTP 503), UNAVAILABLE with a retry hint.
        ModelInferRequest tooTight = raw("tiny", rows(1)).toBuilder()
                .putParameters("timeout", InferParameter.newBuilder().setInt64Param(1).build()).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call().modelInfer(tooTight));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertNotNull(e.getTrailers().get(GrpcErrors.RETRY_AFTER));
    }

    @Test
    void modelInfer_unknownModelOrVersion_isNotFound() {
        assertEquals(Status.Code.NOT_FOUND, failure(() -> call().modelInfer(raw("nope", rows(1)))));
        assertEquals(Status.Code.NOT_FOUND, failure(() -> call().modelInfer(
                raw("tiny", rows(1)).toBuilder().setModelVersion("9").build())));
    }

    @Test
    void modelInfer_modelThatFailedToLoad_isUnavailable() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> call().modelInfer(raw("broken", rows(1))));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("broken"), e.getStatus().getDescription());
    }

    @Test
    void modelInfer_moreRowsThanTheQueueHolds_isResourceExhausted() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> call().modelInfer(raw("small_queue", rows(5))));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertNotNull(e.getTrailers().get(GrpcErrors.RETRY_AFTER));
    }

    @Test
    void modelInfer_messageOverTheLimit_isResourceExhausted() {
        Tensor big = Tensor.of("input", DataType.FP32, new long[] {MAX_MESSAGE / 64 + 1, 16},
                ByteBuffer.allocate((MAX_MESSAGE / 64 + 1) * 64));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, failure(() -> call().modelInfer(raw("tiny", big))));
        assertEquals(1, call().modelInfer(raw("tiny", rows(1))).getOutputsCount());
    }

    @Test
    void modelInfer_badInputs_areInvalidArgumentsThatNameTheProblem() {
        Tensor input = rows(2);
        ModelInferRequest good = raw("tiny", input);
        List<ModelInferRequest> bad = List.of(
                // wrong datatype
                good.toBuilder().setInputs(0, good.getInputs(0).toBuilder().setDatatype("FP64")).build(),
                // unsupported datatype
                good.toBuilder().setInputs(0, good.getInputs(0).toBuilder().setDatatype("UINT16")).build(),
                // raw byte count does not match the shape
                good.toBuilder().setRawInputContents(0, ByteString.copyFrom(new byte[12])).build(),
                // raw contents for two inputs, one input declared
                good.toBuilder().addRawInputContents(ByteString.copyFrom(new byte[4])).build(),
                // raw and typed contents mixed
                good.toBuilder().setInputs(0, GrpcTensors.typedInput(input)).build(),
                // typed contents in the wrong field
                ModelInferRequest.newBuilder().setModelName("tiny").addInputs(GrpcTensors.inputHeader(input)
                        .setContents(GrpcTensors.contents(Tensor.ofLongs("x", new long[] {32}, new long[32])))).build(),
                // wrong input name
                raw("tiny", input.renamed("features")),
                // wrong shape
                raw("tiny", Tensor.ofFloats("input", new long[] {2, 8}, new float[16])),
                // unknown requested output
                good.toBuilder().addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("nope"))
                        .build(),
                // a timeout that is not a number
                good.toBuilder().putParameters("timeout", InferParameter.newBuilder().setStringParam("soon").build())
                        .build(),
                // a parameter without a value
                good.toBuilder().putParameters("tag", InferParameter.getDefaultInstance()).build(),
                // shared memory
                good.toBuilder().setInputs(0, good.getInputs(0).toBuilder().putParameters("shared_memory_region",
                        InferParameter.newBuilder().setStringParam("r").build())).build(),
                // no model name
                good.toBuilder().clearModelName().build());
        for (ModelInferRequest request : bad) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call().modelInfer(request));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
            assertFalse(e.getStatus().getDescription().isBlank());
        }
        assertEquals(1, call().modelInfer(good).getOutputsCount());
    }

    @Test
    void modelInfer_fp16AsTypedContents_isInvalidArgument() {
        ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("tiny").addInputs(
                ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP16").addShape(1)
                        .addShape(16)).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call().modelInfer(req));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("raw_input_contents"), e.getStatus().getDescription());
    }

    @Test
    void modelStatistics_afterInference_countsRowsAndRuns() {
        ModelStatistics before = call().modelStatistics(ModelStatisticsRequest.newBuilder().setName("tiny").build())
                .getModelStats(0);
        call().modelInfer(raw("tiny", rows(3)));
        call().modelInfer(raw("tiny", rows(2)));
        ModelStatistics after = call().modelStatistics(ModelStatisticsRequest.newBuilder().setName("tiny")
                .setVersion("1").build()).getModelStats(0);
        assertEquals("tiny", after.getName());
        assertEquals("1", after.getVersion());
        assertTrue(after.getInferenceCount() >= before.getInferenceCount() + 5);
        assertTrue(after.getExecutionCount() >= before.getExecutionCount() + 1);
        assertTrue(after.getInferenceStats().getSuccess().getCount() >= before.getInferenceStats().getSuccess().getCount() + 2);
        assertTrue(after.getInferenceStats().getComputeInfer().getNs() > 0);
        assertTrue(after.getLastInference() > 0);
        long rowsInBatches = after.getBatchStatsList().stream()
                .mapToLong(b -> b.getBatchSize() * b.getComputeInfer().getCount()).sum();
        assertTrue(rowsInBatches >= after.getInferenceCount(), rowsInBatches + " rows in runs");
    }

    @Test
    void modelStatistics_noName_listsEveryModel_unknownModelIsNotFound() {
        ModelStatisticsResponse all = call().modelStatistics(ModelStatisticsRequest.getDefaultInstance());
        assertEquals(List.of("broken", "small_queue", "tiny"),
                all.getModelStatsList().stream().map(ModelStatistics::getName).toList());
        assertEquals(Status.Code.NOT_FOUND, failure(() -> call().modelStatistics(
                ModelStatisticsRequest.newBuilder().setName("nope").build())));
    }
}
