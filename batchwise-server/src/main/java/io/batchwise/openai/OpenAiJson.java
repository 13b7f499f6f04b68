package io.batchwise.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwise.jobs.BatchError;
import io.batchwise.jobs.BatchJob;
import io.batchwise.jobs.BatchTimes;
import io.batchwise.jobs.JobCost;
import io.batchwise.jobs.Page;
import io.batchwise.jobs.StoredFile;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** OpenAI's JSON objects for files and batches, and their list envelopes. */
final class OpenAiJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiJson() {
    }

    static ObjectNode file(StoredFile f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", f.id());
        n.put("object", "file");
        n.put("bytes", f.bytes());
        n.put("created_at", f.createdAt());
        n.put("filename", f.filename());
        n.put("purpose", f.purpose());
        n.put("status", "processed");
        n.putNull("expires_at");
        n.putNull("status_details");
        return n;
    }

    static ObjectNode deleted(String fileId) {
        return JSON.createObjectNode().put("id", fileId).put("object", "file").put("deleted", true);
    }

    /** A batch object; {@code cost} is a batchwise extension, present once the ledger knows it. */
    static ObjectNode batch(BatchJob b, Optional<JobCost> cost) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", b.id());
        n.put("object", "batch");
        n.put("endpoint", b.endpoint());
        if (b.errors().isEmpty()) {
            n.putNull("errors");
        } else {
            ObjectNode errors = n.putObject("errors");
            errors.put("object", "list");
            ArrayNode data = errors.putArray("data");
            for (BatchError e : b.errors()) {
                ObjectNode d = data.addObject();
                d.put("code", e.code());
                d.put("message", e.message());
                d.put("param", e.param());
                if (e.line() == null) {
                    d.putNull("line");
                } else {
                    d.put("line", e.line());
                }
            }
        }
        n.put("input_file_id", b.inputFileId());
        n.put("completion_window", b.completionWindow());
        n.put("status", b.status().wireName());
        n.put("output_file_id", b.outputFileId());
        n.put("error_file_id", b.errorFileId());
        BatchTimes t = b.times();
        n.put("created_at", t.createdAt());
        n.put("in_progress_at", t.inProgressAt());
        n.put("expires_at", t.expiresAt());
        n.put("finalizing_at", t.finalizingAt());
        n.put("completed_at", t.completedAt());
        n.put("failed_at", t.failedAt());
        n.put("expired_at", t.expiredAt());
        n.put("cancelling_at", t.cancellingAt());
        n.put("cancelled_at", t.cancelledAt());
        n.putObject("request_counts").put("total", b.counts().total()).put("completed", b.counts().completed())
                .put("failed", b.counts().failed());
        if (b.metadata().isEmpty()) {
            n.putNull("metadata");
        } else {
            ObjectNode m = n.putObject("metadata");
            b.metadata().forEach(m::put);
        }
        cost.ifPresent(c -> n.putObject("cost").put("currency", c.currency()).put("total", c.total())
                .put("per_1k_rows", c.perThousandRows()));
        return n;
    }

    /** OpenAI's cursor list {@code {object: list, data, first_id, last_id, has_more}}. */
    static <T> ObjectNode list(Page<T> page, Function<T, ObjectNode> render, Function<T, String> id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("object", "list");
        ArrayNode data = n.putArray("data");
        List<T> items = page.data();
        items.forEach(i -> data.add(render.apply(i)));
        n.put("first_id", items.isEmpty() ? null : id.apply(items.get(0)));
        n.put("last_id", items.isEmpty() ? null : id.apply(items.get(items.size() - 1)));
        n.put("has_more", page.hasMore());
        return n;
    }
}
