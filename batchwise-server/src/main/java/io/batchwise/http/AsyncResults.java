package io.batchwise.http;

import io.batchwise.schedule.Ticker;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Results of {@code Prefer: respond-async} requests, kept for a while after they complete so
 * the client can fetch them from {@code /v2/requests/{id}}. Bounded in number and in bytes: the
 * oldest completed results are dropped first, and every result expires after its retention time.
 */
public final class AsyncResults {
    /** A stored HTTP answer. */
    public record Stored(int status, String contentType, Integer headerLength, byte[] body, Integer retryAfter) {
    }

    private static final class Entry {
        Stored result;
        long completedAt;
    }

    private final Ticker ticker;
    private final long retentionNanos;
    private final int maxEntries;
    private final long maxBytes;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long bytes;

    public AsyncResults(Ticker ticker, long retentionNanos, int maxEntries, long maxBytes) {
        this.ticker = ticker;
        this.retentionNanos = retentionNanos;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** Registers a pending request; its result is stored when {@code answer} completes. */
    public String register(CompletableFuture<Stored> answer) {
        String id = UUID.randomUUID().toString();
        synchronized (this) {
            evict();
            entries.put(id, new Entry());
        }
        answer.whenComplete((stored, err) -> complete(id, err == null ? stored
                : new Stored(500, "application/json", null, ErrorMapper.body(String.valueOf(err)), null)));
        return id;
    }

    private synchronized void complete(String id, Stored stored) {
        Entry e = entries.get(id);
        if (e == null) {
            return;
        }
        e.result = stored;
        e.completedAt = ticker.read();
        bytes += stored.body().length;
        evict();
    }

    /** What is known of a request id: unknown (or expired), pending, or done with its answer. */
    public record Lookup(boolean known, Stored result) {
        public boolean pending() {
            return known && result == null;
        }
    }

    /** Looks a request id up. */
    public synchronized Lookup get(String id) {
        evict();
        Entry e = entries.get(id);
        return new Lookup(e != null, e == null ? null : e.result);
    }

    private void evict() {
        long now = ticker.read();
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            boolean expired = e.result != null && now - e.completedAt > retentionNanos;
            boolean over = e.result != null && (entries.size() > maxEntries || bytes > maxBytes);
            if (expired || over) {
                bytes -= e.result.body().length;
                it.remove();
            }
        }
    }

    public synchronized int size() {
        return entries.size();
    }
}
