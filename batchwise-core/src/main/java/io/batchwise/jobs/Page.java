package io.batchwise.jobs;

import java.util.List;

/** One page of a listing, and whether more follow. */
public record Page<T>(List<T> data, boolean hasMore) {
    public Page {
        data = List.copyOf(data);
    }
}
