package io.batchwise.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.onnx.DemoModels;
import io.batchwise.onnx.OnnxWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/** Test helpers: model folders holding the demo tiny model, and a small JSON HTTP client. */
final class TestServer {
    static final ObjectMapper JSON = new ObjectMapper();
    /** A config that keeps tiny's requests alive on a busy build machine and batches them briefly. */
    static final String FAST = "max_batch_size: 64\nlatency_target: 10s\nbatching: {policy: window, max_queue_delay: 1ms}\n";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    TestServer(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** Writes {@code models/<name>/1/model.onnx} (the tiny MLP, input FP32 [-1, 16]) and its config. */
    static void tinyModel(Path models, String name, String configYaml) {
        try {
            OnnxWriter.write(DemoModels.tiny(), models.resolve(name).resolve("1").resolve("model.onnx"));
            Files.writeString(models.resolve(name).resolve("config.yaml"), configYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A KServe JSON infer body with {@code rows} rows of tiny's input. */
    static String inferBody(int rows) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < rows * 16; i++) {
            data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", Math.sin(i * 0.37)));
        }
        return "{\"inputs\":[{\"name\":\"input\",\"shape\":[" + rows + ",16],\"datatype\":\"FP32\",\"data\":[" + data
                + "]}]}";
    }

    /** A response: status, body and, when the body is JSON, its tree. */
    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply post(String path, String body, String... headers) {
        return sendAsync(path, body, headers).join();
    }

    CompletableFuture<Reply> sendAsync(String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Reply(r.statusCode(), r.body(), r));
    }

    private Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = client.send(b.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
