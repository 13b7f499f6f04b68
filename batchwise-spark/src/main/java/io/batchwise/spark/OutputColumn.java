package io.batchwise.spark;

import io.batchwise.tensor.DataType;
import io.batchwise.tensor.Tensor;
import io.batchwise.tensor.TensorValues;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A model output written to a DataFrame column: a scalar when the output has no dimension
 * besides the rows, otherwise a flat array of the row's elements in row-major order.
 *
 * @param output   the model output's name
 * @param column   the column it fills
 * @param type     its element type
 * @param scalar   true when each row is one element
 */
record OutputColumn(String output, String column, DataType type, boolean scalar) implements Serializable {

    /** The column's Spark type. */
    org.apache.spark.sql.types.DataType sparkType() {
        org.apache.spark.sql.types.DataType element = elementType(type);
        return scalar ? element : new ArrayType(element, false);
    }

    static org.apache.spark.sql.types.DataType elementType(DataType type) {
        return switch (type) {
            case BOOL -> DataTypes.BooleanType;
            case INT8 -> DataTypes.ByteType;
            case UINT8, INT16 -> DataTypes.ShortType;
            case INT32 -> DataTypes.IntegerType;
            case INT64 -> DataTypes.LongType;
            case FP16, FP32 -> DataTypes.FloatType;
            case FP64 -> DataTypes.DoubleType;
            case BYTES -> DataTypes.StringType;
        };
    }

    /** Row {@code row} of a batch output, as the column's external (Row) value. */
    Object value(Tensor batch, int row) {
        long rowElements = batch.rows() == 0 ? 0 : batch.elementCount() / batch.rows();
        int n = Math.toIntExact(rowElements);
        if (type == DataType.BYTES) {
            return strings(batch, row, n);
        }
        ByteBuffer b = batch.data();
        int first = row * n;
        if (scalar) {
            return element(b, first);
        }
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            out[i] = element(b, first + i);
        }
        return out;
    }

    private Object element(ByteBuffer b, int index) {
        int at = index * type.byteSize();
        return switch (type) {
            case BOOL -> b.get(at) != 0;
            case INT8 -> b.get(at);
            case UINT8 -> (short) (b.get(at) & 0xff);
            case INT16 -> b.getShort(at);
            case INT32 -> b.getInt(at);
            case INT64 -> b.getLong(at);
            case FP16 -> TensorValues.halfToFloat(b.getShort(at));
            case FP32 -> b.getFloat(at);
            case FP64 -> b.getDouble(at);
            case BYTES -> throw new IllegalStateException("BYTES has no fixed-size element");
        };
    }

    private Object strings(Tensor batch, int row, int n) {
        ByteBuffer b = batch.data().order(ByteOrder.LITTLE_ENDIAN);
        Object[] out = new Object[n];
        for (long e = 0; e < (long) (row + 1) * n; e++) {
            int len = b.getInt();
            if (e >= (long) row * n) {
                byte[] bytes = new byte[len];
                b.get(bytes);
                out[(int) (e - (long) row * n)] = new String(bytes, StandardCharsets.UTF_8);
            } else {
                b.position(b.position() + len);
            }
        }
        return scalar ? out[0] : out;
    }
}
