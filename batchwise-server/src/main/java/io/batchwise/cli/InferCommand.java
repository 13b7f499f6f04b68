package io.batchwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code batchwise infer}: sends one inference request to a running server and prints the response. */
@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Send one KServe v2 inference request to a running server and print the response.")
final class InferCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8000", description = "Server URL (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--model", required = true, description = "Model name.")
    String model;

    @Option(names = "--input", description = "JSON file with a KServe v2 request body (default: random data of the model's shape).")
    Path input;

    @Option(names = "--rows", defaultValue = "1", description = "Rows of random data (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random data (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String body = input != null ? Files.readString(input) : randomRequest(client);
        HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create(url + "/v2/models/" + model + "/infer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println(res.body());
        if (res.statusCode() != 200) {
            System.err.println("HTTP " + res.statusCode());
            return 1;
        }
        return 0;
    }

    private String randomRequest(HttpClient client) throws Exception {
        HttpResponse<String> meta = client.send(HttpRequest.newBuilder(URI.create(url + "/v2/models/" + model)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (meta.statusCode() != 200) {
            throw new IllegalStateException("model metadata: HTTP " + meta.statusCode() + " " + meta.body());
        }
        return randomRequest(JSON.readTree(meta.body()), rows, seed).toString();
    }

    /** A request body with random data for every input of a model's metadata. */
    static ObjectNode randomRequest(JsonNode metadata, int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ObjectNode req = JSON.createObjectNode();
        ArrayNode inputs = req.putArray("inputs");
        for (JsonNode in : metadata.path("inputs")) {
            ObjectNode t = inputs.addObject();
            t.put("name", in.path("name").asText());
            String type = in.path("datatype").asText();
            t.put("datatype", type);
            ArrayNode shape = t.putArray("shape");
            long count = 1;
            boolean first = true;
            for (JsonNode d : in.path("shape")) {
                long dim = d.asLong() < 0 ? (first ? rows : 1) : d.asLong();
                shape.add(dim);
                count *= dim;
                first = false;
            }
            ArrayNode data = t.putArray("data");
            for (long i = 0; i < count; i++) {
                switch (type) {
                    case "FP16", "FP32", "FP64" -> data.add(random.nextDouble(-1, 1));
                    case "BOOL" -> data.add(random.nextBoolean());
                    case "BYTES" -> data.add("text " + random.nextInt(1000));
                    default -> data.add(random.nextInt(0, 100));
                }
            }
        }
        return req;
    }
}
