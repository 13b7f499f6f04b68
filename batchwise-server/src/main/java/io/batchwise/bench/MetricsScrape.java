package io.batchwise.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** Reads what a benchmark needs from a running server: model metadata and run-size counters. */
final class MetricsScrape {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsScrape() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(HttpClient client, String url, String model) throws Exception {
        HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create(url + "/v2/models/" + model)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("model '" + model + "': HTTP " + res.statusCode() + " " + res.body());
        }
        return JSON.readValue(res.body(), Map.class);
    }

    /** Cumulative rows and runs of a model, from {@code batchwise_run_rows}. */
    record RunRows(double sum, double count) {
        /** Mean rows per run since an earlier reading. */
        double meanSince(RunRows before) {
            double runs = count - before.count;
            return runs <= 0 ? 0 : (sum - before.sum) / runs;
        }
    }

    static RunRows runRows(HttpClient client, String url, String model) {
        double[] sc = sumAndCount(client, url, model);
        return new RunRows(sc[0], sc[1]);
    }

    private static double[] sumAndCount(HttpClient client, String url, String model) {
        double sum = 0;
        double count = 0;
        try {
            String text = client.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String label = "{model=\"" + model + "\"}";
            for (String line : text.split("\n")) {
                if (line.startsWith("batchwise_run_rows_sum" + label)) {
                    sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith("batchwise_run_rows_count" + label)) {
                    count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (Exception e) {
            return new double[] {0, 0};
        }
        return new double[] {sum, count};
    }

}
