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
        String text;
        try {
            text = client.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            text = ""; // no reading: the means come out as 0
        }
        String label = "{model=\"" + model + "\"} ";
        return new Runs(new SumCount(sample(text, "batchwise_run_rows_sum" + label),
                sample(text, "batchwise_run_rows_count" + label)),
                new SumCount(sample(text, "batchwise_run_seconds_sum" + label),
                        sample(text, "batchwise_run_seconds_count" + label)));
    }

    /** The value of the sample whose line starts with {@code nameAndLabels} (0 if there is none). */
    private static double sample(String text, String nameAndLabels) {
        for (String line : text.split("\n")) {
            if (line.startsWith(nameAndLabels)) {
                return Double.parseDouble(line.substring(nameAndLabels.length()).trim());
            }
        }
        return 0;
    }
}
