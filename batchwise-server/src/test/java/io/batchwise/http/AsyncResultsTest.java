package io.batchwise.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AsyncResultsTest {
    private final AtomicLong now = new AtomicLong();
    private final AsyncResults results = new AsyncResults(now::get, 1_000, 2, 100);

    private static AsyncResults.Stored body(int bytes) {
        return new AsyncResults.Stored(200, "application/json", null, new byte[bytes], null);
    }

    @Test
    void get_beforeCompletion_isPending() {
        String id = results.register(new CompletableFuture<>());
        assertTrue(results.get(id).pending());
    }

    @Test
    void get_afterCompletion_returnsTheAnswer() {
        CompletableFuture<AsyncResults.Stored> answer = new CompletableFuture<>();
        String id = results.register(answer);
        answer.complete(body(3));
        AsyncResults.Lookup found = results.get(id);
        assertFalse(found.pending());
        assertArrayEquals(new byte[3], found.result().body());
    }

    @Test
    void get_afterRetention_isUnknown() {
        CompletableFuture<AsyncResults.Stored> answer = new CompletableFuture<>();
        String id = results.register(answer);
        answer.complete(body(1));
        now.addAndGet(1_001);
        assertFalse(results.get(id).known());
    }

    @Test
    void get_unknownId_isUnknown() {
        assertFalse(results.get("nope").known());
    }

    @Test
    void register_overCountLimit_dropsOldestCompleted() {
        CompletableFuture<AsyncResults.Stored> first = new CompletableFuture<>();
        String a = results.register(first);
        first.complete(body(1));
        CompletableFuture<AsyncResults.Stored> second = new CompletableFuture<>();
        String b = results.register(second);
        second.complete(body(1));
        String c = results.register(new CompletableFuture<>());
        assertFalse(results.get(a).known());
        assertTrue(results.get(b).known());
        assertTrue(results.get(c).pending());
    }

    @Test
    void complete_overByteLimit_keepsWithinBytes() {
        CompletableFuture<AsyncResults.Stored> big = new CompletableFuture<>();
        String a = results.register(big);
        big.complete(body(150));
        assertFalse(results.get(a).known());
        assertEquals(0, results.size());
    }

    @Test
    void register_failedFuture_storesAnError() {
        String id = results.register(CompletableFuture.failedFuture(new IllegalStateException("boom")));
        assertEquals(500, results.get(id).result().status());
    }
}
