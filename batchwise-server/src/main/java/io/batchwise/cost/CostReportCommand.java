package io.batchwise.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code batchwise cost report}: fetches {@code /v1/cost} and prints it as a table, JSON or FOCUS CSV. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Print a running server's measured cost per model and class (table, json, or FinOps FOCUS csv).")
final class CostReportCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Output formats. */
    enum Format { TABLE, JSON, CSV }

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8000", description = "Server URL (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--model", description = "Only this model.")
    String model;

    @Option(names = "--class", description = "Only this class: interactive, deferred or bulk.")
    String serviceClass;

    @Option(names = "--from", description = "Start: ISO-8601 time, date or epoch seconds (default: first record).")
    String from;

    @Option(names = "--to", description = "End: ISO-8601 time, date or epoch seconds (default: now).")
    String to;

    @Option(names = "--idle-policy", description = "Who pays idle time: interactive, proportional or separate (default: the price sheet's).")
    String idlePolicy;

    @Override
    public Integer call() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("model", model);
        params.put("class", serviceClass);
        params.put("from", from);
        params.put("to", to);
        params.put("idle_policy", idlePolicy);
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        params.forEach((k, v) -> {
            if (v != null) {
                query.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/cost" + query))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            System.err.println("HTTP " + res.statusCode() + ": " + res.body());
            return 1;
        }
        JsonNode report = JSON.readTree(res.body());
        print(report, format, System.out);
        return 0;
    }

    static void print(JsonNode report, Format format, PrintStream out) throws Exception {
        switch (format) {
            case JSON -> out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            case CSV -> out.print(FocusCsv.write(report));
            case TABLE -> out.print(CostTable.write(report));
        }
    }
}
