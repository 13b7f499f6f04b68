package io.batchwise.grpc;

import io.batchwise.cli.BatchwiseServer;
import io.batchwise.cli.ServerSettings;
import io.batchwise.grpc.proto.GRPCInferenceServiceGrpc;
import io.batchwise.grpc.proto.GrpcService.ModelInferRequest;
import io.batchwise.onnx.DemoModels;
import io.batchwise.onnx.OnnxWriter;
import io.batchwise.tensor.Tensor;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures sequential round trips of one row of the tiny model over gRPC (raw and typed
 * contents) and REST JSON against an in-process server (policy none, so no batching wait), and
 * prints median and p99 per protocol. Not a test: run it by hand after {@code mvn package}:
 * <pre>
 * java -cp batchwise-server/target/batchwise.jar:batchwise-server/target/test-classes \
 *     io.batchwise.grpc.GrpcLatencyProbe [requests, default 2000]
 * </pre>
 */
public final class GrpcLatencyProbe {
    private GrpcLatencyProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path dir = Files.createTempDirectory("batchwise-probe");
        OnnxWriter.write(DemoModels.tiny(), dir.resolve("models/tiny/1/model.onnx"));
        Files.writeString(dir.resolve("models/tiny/config.yaml"), "latency_target: 10s\nbatching: {policy: none}\n");
        try (BatchwiseServer server = BatchwiseServer.start(
                ServerSettings.forTests(dir.resolve("models"), dir.resolve("data")).withGrpcPort(0))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
                    .build();
            var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
            float[] values = new float[16];
            for (int i = 0; i < values.length; i++) {
                values[i] = i * 0.1f;
            }
            Tensor row = Tensor.ofFloats("input", new long[] {1, 16}, values);
            ModelInferRequest raw = ModelInferRequest.newBuilder().setModelName("tiny")
                    .addInputs(GrpcTensors.inputHeader(row)).addRawInputContents(GrpcTensors.raw(row)).build();
            ModelInferRequest typed = ModelInferRequest.newBuilder().setModelName("tiny")
                    .addInputs(GrpcTensors.typedInput(row)).build();
            StringBuilder data = new StringBuilder();
            for (float v : values) {
                data.append(data.length() == 0 ? "" : ",").append(v);
            }
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest rest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                            + "/v2/models/tiny/infer"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,16],"
                            + "\"datatype\":\"FP32\",\"data\":[" + data + "]}]}")).build();
            for (int round = 0; round < 2; round++) {
                long[] grpcRaw = new long[n];
                long[] grpcTyped = new long[n];
                long[] restJson = new long[n];
                for (int i = 0; i < n; i++) {
                    long start = System.nanoTime();
                    stub.modelInfer(raw);
                    grpcRaw[i] = System.nanoTime() - start;
                    start = System.nanoTime();
                    stub.modelInfer(typed);
                    grpcTyped[i] = System.nanoTime() - start;
                    start = System.nanoTime();
                    HttpResponse<String> res = http.send(rest, HttpResponse.BodyHandlers.ofString());
                    restJson[i] = System.nanoTime() - start;
                    if (res.statusCode() != 200) {
                        throw new IllegalStateException(res.body());
                    }
                }
                if (round == 1) { // the first round warms up the JIT and the connections
                    print("gRPC raw_input_contents", grpcRaw);
                    print("gRPC typed contents    ", grpcTyped);
                    print("REST JSON              ", restJson);
                }
            }
            channel.shutdownNow();
        }
    }

    private static void print(String name, long[] nanos) {
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%s median %.3f ms  p99 %.3f ms  (%d sequential requests, 1 row)%n", name,
                nanos[nanos.length / 2] / 1e6, nanos[(int) (nanos.length * 0.99)] / 1e6, nanos.length);
    }
}
