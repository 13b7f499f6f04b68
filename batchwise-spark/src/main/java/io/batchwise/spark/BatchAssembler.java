package io.batchwise.spark;

import io.batchwise.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Turns DataFrame rows into model input tensors, one batch at a time. Each row's values are
 * appended straight into one reusable buffer per model input; when every row of the batch has
 * the same input shapes (always, for inputs without a dynamic dimension besides the rows) the
 * buffers become the batch's tensors as they are, otherwise rows are grouped by shape and each
 * group becomes its own run.
 */
final class BatchAssembler {
    /** Rows of one shape, as model inputs. {@code rows} are positions among the rows added. */
    record Group(int[] rows, List<Tensor> inputs) {
    }

    private final List<InputFeed> feeds;
    private final List<ElementBuffer> buffers = new ArrayList<>();
    /** Per added row and feed: start byte, end byte, row shape. */
    private final List<int[]> spans = new ArrayList<>();
    private final List<long[][]> shapes = new ArrayList<>();

    BatchAssembler(List<InputFeed> feeds, int batchSize) {
        this.feeds = List.copyOf(feeds);
        for (InputFeed feed : feeds) {
            int bytes = feed.type().fixedSize() ? feed.type().byteSize() : 16;
            long perRow = Math.max(1, Arrays.stream(feed.rowShape()).map(d -> Math.max(d, 1)).reduce(1, (a, b) -> a * b));
            buffers.add(new ElementBuffer(feed.type(), (int) Math.min(Integer.MAX_VALUE / 2, perRow * bytes * batchSize)));
        }
    }

    /** Rows added since the last {@link #clear()}. */
    int rows() {
        return spans.size();
    }

    /**
     * Appends a row's input values.
     *
     * @throws BadRow when the row cannot be scored; nothing of it is kept
     */
    void add(Row row) {
        int[] span = new int[feeds.size() * 2];
        long[] startElements = new long[feeds.size()];
        long[][] rowShapes = new long[feeds.size()][];
        for (int f = 0; f < feeds.size(); f++) {
            span[2 * f] = buffers.get(f).position();
            startElements[f] = buffers.get(f).elements();
        }
        try {
            for (int f = 0; f < feeds.size(); f++) {
                InputFeed feed = feeds.get(f);
                ElementBuffer buf = buffers.get(f);
                long before = buf.elements();
                for (int c = 0; c < feed.columns().length; c++) {
                    append(row, feed.columns()[c], feed.kinds()[c], feed.names()[c], buf);
                }
                long count = buf.elements() - before;
                rowShapes[f] = feed.shapeFor(count);
                if (rowShapes[f] == null) {
                    throw new BadRow(feed.describeColumns() + " hold " + count + " values but model input '"
                            + feed.input() + "' takes rows of shape " + Arrays.toString(feed.rowShape())
                            + (feed.rowShape().length > 0 && Arrays.stream(feed.rowShape()).anyMatch(d -> d < 0)
                            ? " (-1 = any)" : ""));
                }
                span[2 * f + 1] = buf.position();
            }
        } catch (BadRow e) {
            for (int f = 0; f < feeds.size(); f++) {
                buffers.get(f).reset(span[2 * f], startElements[f]);
            }
            throw e;
        }
        spans.add(span);
        shapes.add(rowShapes);
    }

    private static void append(Row row, int column, ColumnKind kind, String name, ElementBuffer buf) {
        if (row.isNullAt(column)) {
            throw new BadRow("column '" + name + "' is null");
        }
        Object value = row.get(column);
        switch (kind) {
            case SCALAR, STRING -> buf.put(value, "column '" + name + "'");
            case VECTOR -> {
                double[] values = value instanceof DenseVector dense ? dense.values() : ((Vector) value).toArray();
                for (double v : values) {
                    buf.putDouble(v);
                }
            }
            case ARRAY -> appendArray(row.getList(column), name, buf);
        }
    }

    private static void appendArray(List<?> values, String name, ElementBuffer buf) {
        for (Object v : values) {
            if (v == null) {
                throw new BadRow("column '" + name + "' holds a null element");
            }
            if (v instanceof scala.collection.Seq<?> nested) {
                appendArray(scala.jdk.javaapi.CollectionConverters.asJava(nested), name, buf);
            } else {
                buf.put(v, "column '" + name + "'");
            }
        }
    }

    /** The rows added, as model inputs grouped by shape, in order of first appearance. */
    List<Group> groups() {
        Map<String, List<Integer>> byShape = new LinkedHashMap<>();
        for (int r = 0; r < shapes.size(); r++) {
            byShape.computeIfAbsent(Arrays.deepToString(shapes.get(r)), k -> new ArrayList<>()).add(r);
        }
        List<Group> groups = new ArrayList<>(byShape.size());
        for (List<Integer> members : byShape.values()) {
            int[] rows = members.stream().mapToInt(Integer::intValue).toArray();
            List<Tensor> inputs = new ArrayList<>(feeds.size());
            for (int f = 0; f < feeds.size(); f++) {
                inputs.add(tensor(f, rows, byShape.size() == 1));
            }
            groups.add(new Group(rows, inputs));
        }
        return groups;
    }

    private Tensor tensor(int f, int[] rows, boolean allRows) {
        InputFeed feed = feeds.get(f);
        ElementBuffer buf = buffers.get(f);
        long[] rowShape = shapes.get(rows[0])[f];
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows.length;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        ByteBuffer data;
        if (allRows) {
            data = buf.written();
        } else {
            int bytes = 0;
            for (int r : rows) {
                bytes += spans.get(r)[2 * f + 1] - spans.get(r)[2 * f];
            }
            data = ByteBuffer.allocate(bytes);
            for (int r : rows) {
                data.put(buf.copy(spans.get(r)[2 * f], spans.get(r)[2 * f + 1]));
            }
            data.flip();
        }
        return Tensor.of(feed.input(), feed.type(), shape, data);
    }

    void clear() {
        spans.clear();
        shapes.clear();
        buffers.forEach(ElementBuffer::clear);
    }
}
