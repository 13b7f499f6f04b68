package io.batchwise.spark;

import io.batchwise.tensor.DataType;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The columns that feed one model input. Their values are concatenated, in column order, into
 * the input's row: a row of {@code [a, b, c]} scalar columns becomes a {@code [3]} row, an array
 * column of 16 numbers a {@code [16]} row.
 *
 * @param input    the model input's name
 * @param type     its element type
 * @param rowShape its shape without the row dimension; at most one dimension may be -1 (taken
 *                 from each row's element count)
 * @param columns  the feeding columns' positions in the row
 * @param kinds    their kinds
 * @param names    their names, for messages
 */
record InputFeed(String input, DataType type, long[] rowShape, int[] columns, ColumnKind[] kinds, String[] names)
        implements Serializable {
    InputFeed {
        rowShape = rowShape.clone();
        if (Arrays.stream(rowShape).filter(d -> d < 0).count() > 1) {
            throw new IllegalArgumentException("model input '" + input + "' has shape [-1, "
                    + Arrays.toString(rowShape).substring(1) + ": more than one dynamic dimension besides the rows,"
                    + " so a row's element count cannot tell its shape");
        }
    }

    /** The row shape a row of {@code count} elements has, or null when no shape fits. */
    long[] shapeFor(long count) {
        long fixed = 1;
        int dynamic = -1;
        for (int i = 0; i < rowShape.length; i++) {
            if (rowShape[i] < 0) {
                dynamic = i;
            } else {
                fixed *= rowShape[i];
            }
        }
        if (dynamic < 0) {
            return count == fixed ? rowShape.clone() : null;
        }
        if (fixed == 0 || count % fixed != 0 || count == 0) {
            return null;
        }
        long[] shape = rowShape.clone();
        shape[dynamic] = count / fixed;
        return shape;
    }

    /** The columns, for messages: {@code 'a'} or {@code 'a', 'b'}. */
    String describeColumns() {
        StringBuilder b = new StringBuilder(names.length == 1 ? "column " : "columns ");
        for (int i = 0; i < names.length; i++) {
            b.append(i == 0 ? "" : ", ").append('\'').append(names[i]).append('\'');
        }
        return b.toString();
    }
}
