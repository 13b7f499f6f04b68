package io.batchwise.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The OpenAI-style Files and Batches API as a client uses it, over real HTTP: upload a JSONL
 * file, create a batch on it, poll the batch until it ends.
 */
final class BatchClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final String url;

    BatchClient(HttpClient http, String url) {
        this.http = http;
        this.url = url;
    }

    /** {@code POST /v1/files} (multipart, purpose batch); returns the file id. */
    String upload(Path file) throws IOException, InterruptedException {
        String boundary = "batchwise-demo-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/jsonl\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/v1/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                        HttpRequest.BodyPublishers.ofFile(file),
                        HttpRequest.BodyPublishers.ofString(tail, StandardCharsets.UTF_8)))
                .build();
        return send(req).get("id").asText();
    }

    /** {@code POST /v1/batches}; returns the batch object. */
    JsonNode create(String fileId, String endpoint) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("input_file_id", fileId).put("endpoint", endpoint)
                .put("completion_window", "24h").toString();
        return send(HttpRequest.newBuilder(URI.create(url + "/v1/batches"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /**
     * Polls {@code GET /v1/batches/{id}} until the batch ends or {@code timeout} passes; hands
     * every reply to {@code seen}. Returns the last batch object.
     */
    JsonNode await(String id, Duration timeout, Duration every, Consumer<JsonNode> seen)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode b = send(HttpRequest.newBuilder(URI.create(url + "/v1/batches/" + id)).GET().build());
            seen.accept(b);
            String status = b.path("status").asText();
            if (status.equals("completed") || status.equals("failed") || status.equals("expired")
                    || status.equals("cancelled")) {
                return b;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("batch " + id + " did not finish within " + timeout.toSeconds()
                        + " s (status " + status + ")");
            }
            Thread.sleep(every.toMillis());
        }
    }

    private JsonNode send(HttpRequest req) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException(req.method() + " " + req.uri().getPath() + ": HTTP " + res.statusCode()
                    + " " + res.body());
        }
        return JSON.readTree(res.body());
    }
}
