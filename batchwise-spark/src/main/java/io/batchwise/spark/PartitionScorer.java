package io.batchwise.spark;

import io.batchwise.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition lazily: pulls up to {@code batchSize} rows, runs them as one ONNX
 * Runtime call (one per shape group) on a session borrowed from the JVM's pool, and hands out
 * the rows with their outputs appended, in input order. Only one batch is held at a time.
 */
final class PartitionScorer implements Iterator<Row> {
    private final Iterator<Row> in;
    private final ScoringPlan plan;
    private final InstancePool pool;
    private final BatchAssembler assembler;
    private final Set<String> outputNames;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();

    PartitionScorer(Iterator<Row> in, ScoringPlan plan, InstancePool pool) {
        this.in = in;
        this.plan = plan;
        this.pool = pool;
        this.assembler = new BatchAssembler(plan.feeds(), plan.batchSize());
        this.outputNames = plan.outputNames();
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && in.hasNext()) {
            scoreNextBatch();
        }
        return !ready.isEmpty();
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    private void scoreNextBatch() {
        List<Row> batch = new ArrayList<>(plan.batchSize());
        List<Integer> assembled = new ArrayList<>(plan.batchSize());
        String[] errors = new String[plan.batchSize()];
        while (batch.size() < plan.batchSize() && in.hasNext()) {
            Row row = in.next();
            batch.add(row);
            try {
                assembler.add(row);
                assembled.add(batch.size() - 1);
            } catch (BadRow e) {
                if (plan.errorColumn() == null) {
                    throw new IllegalArgumentException("BatchwiseModel cannot score a row: " + e.getMessage()
                            + " (row " + row + ")", e);
                }
                errors[batch.size() - 1] = e.getMessage();
            }
        }
        Object[][] outputs = new Object[batch.size()][];
        if (assembler.rows() > 0) {
            for (BatchAssembler.Group group : assembler.groups()) {
                run(group, assembled, outputs, errors);
            }
        }
        assembler.clear();
        int failed = 0;
        for (int i = 0; i < batch.size(); i++) {
            failed += outputs[i] == null ? 1 : 0;
            ready.add(withOutputs(batch.get(i), outputs[i], errors[i]));
        }
        if (plan.counters() != null) {
            plan.counters().completed().add(batch.size() - failed);
            plan.counters().rows().add(batch.size() - failed);
            plan.counters().failed().add(failed);
        }
    }

    private void run(BatchAssembler.Group group, List<Integer> assembled, Object[][] outputs, String[] errors) {
        List<Tensor> results;
        try {
            results = pool.run(group.inputs(), outputNames);
        } catch (RuntimeException e) {
            if (plan.errorColumn() == null) {
                throw e;
            }
            for (int r : group.rows()) {
                errors[assembled.get(r)] = e.getMessage();
            }
            return;
        }
        Map<String, Tensor> byName = new HashMap<>();
        results.forEach(t -> byName.put(t.name(), t));
        for (int i = 0; i < group.rows().length; i++) {
            Object[] values = new Object[plan.outputs().size()];
            for (int o = 0; o < values.length; o++) {
                OutputColumn column = plan.outputs().get(o);
                values[o] = column.value(byName.get(column.output()), i);
            }
            outputs[assembled.get(group.rows()[i])] = values;
        }
    }

    private Row withOutputs(Row row, Object[] outputs, String error) {
        int width = row.size();
        int extra = plan.outputs().size() + (plan.errorColumn() == null ? 0 : 1);
        Object[] values = new Object[width + extra];
        for (int i = 0; i < width; i++) {
            values[i] = row.get(i);
        }
        if (outputs != null) {
            System.arraycopy(outputs, 0, values, width, outputs.length);
        }
        if (plan.errorColumn() != null) {
            values[values.length - 1] = error;
        }
        return RowFactory.create(values);
    }
}
