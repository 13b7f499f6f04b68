package io.batchwise.spark;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;

/** How a DataFrame column's values become tensor elements. */
enum ColumnKind {
    /** A number or boolean: one element. */
    SCALAR,
    /** An array of numbers or booleans, possibly nested: its elements in row-major order. */
    ARRAY,
    /** A Spark ML vector (dense or sparse): its values as a dense sequence. */
    VECTOR,
    /** A string: one BYTES element (UTF-8). */
    STRING;

    /** The kind of a column type, or null when batchwise cannot feed it to a model. */
    static ColumnKind of(DataType type) {
        if (type instanceof NumericType || type instanceof BooleanType) {
            return SCALAR;
        }
        if (type instanceof StringType) {
            return STRING;
        }
        if (type.equals(SQLDataTypes.VectorType())) {
            return VECTOR;
        }
        if (type instanceof ArrayType array) {
            DataType element = array.elementType();
            return element instanceof NumericType || element instanceof BooleanType || of(element) == ARRAY
                    ? ARRAY : null;
        }
        return null;
    }
}
