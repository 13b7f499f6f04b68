package io.batchwise.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.onnx.DemoModels;
import io.batchwise.onnx.OnnxGraph;
import io.batchwise.onnx.OnnxWriter;
import io.batchwise.tensor.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.SparkFiles;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchwiseModelTest {
    private static final int ROWS = 50;
    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path modelDir;
    static Path onnx;

    @BeforeAll
    static void start() throws Exception {
        DemoModels.writeTiny(dir.resolve("models"));
        modelDir = dir.resolve("models").resolve("tiny");
        onnx = modelDir.resolve("1").resolve("model.onnx");
        spark = SparkSessions.shared();
    }

    /** Rows of the tiny model's 16 features as an array, an ML vector and 16 scalar columns. */
    private static Dataset<Row> frame(int partitions) {
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType)
                .add("features", new ArrayType(DataTypes.FloatType, true))
                .add("vec", SQLDataTypes.VectorType());
        for (int j = 0; j < 16; j++) {
            schema = schema.add("f" + j, DataTypes.DoubleType);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            float[] f = TestModels.features(i);
            Object[] values = new Object[3 + 16];
            Float[] boxed = new Float[16];
            double[] d = new double[16];
            for (int j = 0; j < 16; j++) {
                boxed[j] = f[j];
                d[j] = f[j];
                values[3 + j] = (double) f[j];
            }
            values[0] = i;
            values[1] = boxed;
            values[2] = Vectors.dense(d);
            rows.add(RowFactory.create(values));
        }
        return spark.createDataFrame(rows, schema).repartition(partitions);
    }

    private static void assertScores(List<Row> rows, String column) {
        assertEquals(ROWS, rows.size());
        for (Row row : rows) {
            int id = row.getInt(row.fieldIndex("id"));
            List<Float> got = row.getList(row.fieldIndex(column));
            float[] expected = TestModels.tinyScores(onnx, TestModels.features(id));
            assertEquals(expected.length, got.size());
            for (int j = 0; j < expected.length; j++) {
                assertEquals(expected[j], got.get(j), 1e-5, "row " + id + " element " + j);
            }
        }
    }

    private static BatchwiseModel tiny() {
        return new BatchwiseModel().setModelPath(modelDir.toString()).setOutputCols("score");
    }

    @Test
    void transform_arrayColumn_scoresEveryRowAsTheRuntimeDoes() {
        assertScores(tiny().setInputCols("features").setBatchSize(8).transform(frame(3)).collectAsList(), "score");
    }

    @Test
    void transform_vectorColumn_scoresEveryRowAsTheRuntimeDoes() {
        assertScores(tiny().setInputCols("vec").transform(frame(2)).collectAsList(), "score");
    }

    @Test
    void transform_scalarColumns_areStackedIntoOneInput() {
        String[] columns = new String[16];
        for (int j = 0; j < 16; j++) {
            columns[j] = "f" + j;
        }
        assertScores(tiny().setInputCols(columns).setBatchSize(7).transform(frame(2)).collectAsList(), "score");
    }

    @Test
    void transform_onnxFilePath_sameAsModelFolder() {
        BatchwiseModel model = new BatchwiseModel().setModelPath(onnx.toString()).setInputCols("features")
                .setOutputCols("score");
        assertScores(model.transform(frame(2)).collectAsList(), "score");
    }

    @Test
    void transform_shippedModel_scoresFromTheJobsCopy() {
        List<Row> rows = tiny().setInputCols("features").setShipModel(true).transform(frame(2)).collectAsList();
        assertScores(rows, "score");
        try (var files = Files.list(Path.of(SparkFiles.getRootDirectory()))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().matches("tiny-[0-9a-f]{8}\\.onnx")),
                    "the model was added to the job's files");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void transform_manyPartitionsTwice_opensAtMostOneSessionPerTaskSlot() {
        BatchwiseModel model = new BatchwiseModel().setModelPath(modelDir.toString()).setInputCols("features")
                .setOutputCols("score").setIntraOpThreads(1).setBatchSize(4);
        assertEquals(ROWS, model.transform(frame(6)).collectAsList().size());
        assertEquals(ROWS, model.transform(frame(5)).collectAsList().size());
        int opened = ExecutorModels.pool(new ModelFile("tiny", 1, onnx.toString(), null, 1, "cpu", null)).opened();
        assertTrue(opened >= 1 && opened <= 2, "11 partitions on 2 task slots opened " + opened + " sessions");
    }

    @Test
    void transformSchema_addsOutputColumnsOfTheModelsTypes() {
        StructType out = tiny().setInputCols("features").transformSchema(frame(1).schema());
        StructField score = out.apply("score");
        assertEquals(new ArrayType(DataTypes.FloatType, false), score.dataType());
        assertEquals(frame(1).schema().size() + 1, out.size());
    }

    @Test
    void transform_badRowsWithErrorCol_reportsEachAndScoresTheRest() {
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("features", new ArrayType(DataTypes.DoubleType, true));
        List<Row> rows = List.of(
                RowFactory.create(0, doubles(TestModels.features(0), 16)),
                RowFactory.create(1, doubles(TestModels.features(1), 15)),
                RowFactory.create(2, null),
                RowFactory.create(3, doubles(TestModels.features(3), 16)));
        List<Row> out = tiny().setInputCols("features").setErrorCol("error")
                .transform(spark.createDataFrame(rows, schema).coalesce(1)).orderBy("id").collectAsList();
        assertEquals(4, out.size());
        assertNull(out.get(0).getAs("error"));
        assertEquals(4, out.get(0).getList(2).size());
        String error1 = out.get(1).getAs("error");
        assertTrue(error1.contains("hold 15 values but model input 'input' takes rows of shape [16]"), error1);
        assertNull(out.get(1).getAs("score"));
        String error2 = out.get(2).getAs("error");
        assertTrue(error2.contains("column 'features' is null"), error2);
        assertNull(out.get(3).getAs("error"));
        assertArrayEquals(TestModels.tinyScores(onnx, TestModels.features(3)), floats(out.get(3).getList(2)), 1e-5f);
    }

    @Test
    void transform_badRowWithoutErrorCol_failsNamingTheColumn() {
        StructType schema = new StructType().add("features", new ArrayType(DataTypes.DoubleType, true));
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create((Object) doubles(new float[3], 3))), schema);
        Exception e = assertThrows(Exception.class, () -> tiny().setInputCols("features").transform(df).collect());
        assertTrue(rootMessage(e).contains("'features' hold 3 values"), rootMessage(e));
    }

    @Test
    void transform_twoInputModel_feedsEachInputFromItsColumns() throws Exception {
        Path sum = dir.resolve("sum.onnx");
        OnnxWriter.write(OnnxGraph.builder("sum")
                .input("a", DataType.FP32, -1, 4).input("b", DataType.FP32, -1, 4)
                .node("Add", List.of("a", "b"), List.of("total"))
                .output("total", DataType.FP32, -1, 4).build(), sum);
        StructType schema = new StructType().add("a", new ArrayType(DataTypes.DoubleType, false))
                .add("b0", DataTypes.IntegerType).add("b1", DataTypes.IntegerType)
                .add("b2", DataTypes.LongType).add("b3", DataTypes.FloatType);
        Dataset<Row> df = spark.createDataFrame(List.of(
                RowFactory.create(new Double[] {1.0, 2.0, 3.0, 4.0}, 10, 20, 30L, 40f)), schema);
        BatchwiseModel model = new BatchwiseModel().setModelPath(sum.toString())
                .setInputCols("a", "b0", "b1", "b2", "b3").setInputNames("a", "b", "b", "b", "b");
        Row row = model.transform(df).first();
        assertArrayEquals(new float[] {11, 22, 33, 44}, floats(row.getList(row.fieldIndex("total"))));

        IllegalArgumentException unnamed = assertThrows(IllegalArgumentException.class,
                () -> new BatchwiseModel().setModelPath(sum.toString()).setInputCols("a").transform(df));
        assertTrue(unnamed.getMessage().contains("set inputNames"), unnamed.getMessage());
    }

    @Test
    void transform_stringColumnForNumericInput_isRejectedBeforeRunning() {
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("x")),
                new StructType().add("text", DataTypes.StringType));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tiny().setInputCols("text").transform(df));
        assertTrue(e.getMessage().contains("column 'text' is string but model input 'input' is FP32"), e.getMessage());
    }

    private static Double[] doubles(float[] values, int n) {
        Double[] out = new Double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (double) values[i];
        }
        return out;
    }

    private static float[] floats(List<?> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }

    static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
