package io.batchwise.schedule;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Rows chosen for one run on one instance: slices of one or more requests of one bucket. */
final class Batch {
    /** Rows {@code [from, from + count)} of a request. */
    record Slice(Pending pending, long from, long count) {
    }

    final int instance;
    final BucketKey bucket;
    final String reason;
    final List<Slice> slices = new ArrayList<>();
    int rows;
    /** CPU time the run's thread took, for a bulk-lane run (-1: not measured). */
    long cpuNanos = -1;

    Batch(int instance, BucketKey bucket, String reason) {
        this.instance = instance;
        this.bucket = bucket;
        this.reason = reason;
    }

    void add(Pending p, long count) {
        slices.add(new Slice(p, p.taken, count));
        p.taken += count;
        rows += (int) count;
    }

    /** Outputs to compute: the union of the requests' selections (empty when any wants all). */
    Set<String> outputs() {
        Set<String> out = new LinkedHashSet<>();
        for (Slice s : slices) {
            if (s.pending.request.outputs().isEmpty()) {
                return Set.of();
            }
            out.addAll(s.pending.request.outputs());
        }
        return out;
    }

    Map<ServiceClass, Integer> rowsByClass() {
        Map<ServiceClass, Integer> m = new EnumMap<>(ServiceClass.class);
        slices.forEach(s -> m.merge(s.pending.serviceClass, (int) s.count, Integer::sum));
        return m;
    }

    Map<String, Integer> rowsBy(boolean tag) {
        Map<String, Integer> m = new HashMap<>();
        for (Slice s : slices) {
            String key = tag ? s.pending.tag : s.pending.jobId;
            if (key != null) {
                m.merge(key, (int) s.count, Integer::sum);
            }
        }
        return m;
    }
}
