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

    /** A histogram's cumulative sum and count for one model. */
    record SumCount(double sum, double count) {
        /** Mean per observation since an earlier reading. */
        double meanSince(SumCount before) {
            double runs = count - before.count;
            return runs <= 0 ? 0 : (sum - before.sum) / runs;
        }
    }

    /** Rows and runs of a model ({@code batchwise_run_rows}) and its run time ({@code batchwise_run_seconds}). */
    record Runs(SumCount rows, SumCount seconds) {
    }

    static Runs runs(HttpClient client, String url, String model) {
        double[] sc = sumAndCount(client, url, model);
        return new Runs(new SumCount(sc[0], sc[1]), new SumCount(sc[2], sc[3]));
    }

    /** Sum and count of {@code batchwise_run_rows}, then of {@code batchwise_run_seconds}. */
    private static double[] sumAndCount(HttpClient client, String url, String model) {
        double[] out = new double[4];
        try {
            String text = client.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String label = "{model=\"" + model + "\"}";
            String[] names = {"batchwise_run_rows_sum", "batchwise_run_rows_count", "batchwise_run_seconds_sum",
                "batchwise_run_seconds_count"};
            for (String line : text.split("\n")) {
                for (int i = 0; i < names.length; i++) {
                    if (line.startsWith(names[i] + label)) {
                        out[i] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            }
        } catch (Exception e) {
            return new double[4];
        }
        return out;
    }

}
