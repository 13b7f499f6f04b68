package io.batchwise.spark;

import io.batchwise.runtime.ModelSignature;
import io.batchwise.runtime.TensorSpec;
import io.batchwise.tensor.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@link Transformer} that scores a DataFrame with an ONNX model through batchwise's
 * runtime. Rows are grouped into ONNX Runtime calls of up to {@code batchSize} rows; the model
 * is opened once per executor JVM and its sessions are shared by every task that JVM runs.
 *
 * <pre>{@code
 * Dataset<Row> scored = new BatchwiseModel()
 *         .setModelPath("/models/scorer")          // a model folder, an .onnx file, or hdfs://...
 *         .setInputCols("features")                // array<float> or ML vector column
 *         .setOutputCols("score")
 *         .setBatchSize(256)
 *         .transform(df);
 * }</pre>
 *
 * <p><b>Inputs.</b> {@code inputCols} name the columns; {@code inputNames} (optional, one per
 * column) name the model input each feeds, by default the model's only input. Columns feeding
 * the same input are concatenated per row, in order: several scalar columns stack into one
 * tensor, arrays (nested arrays flatten row-major) and Spark ML vectors contribute their
 * elements, strings feed BYTES inputs. A row must give exactly the input's row size; one
 * dynamic dimension besides the rows is taken from the row's element count.
 *
 * <p><b>Outputs.</b> {@code outputNames} (default: all model outputs) fill {@code outputCols}
 * (default: named like the outputs): a scalar column when the output has no dimension besides
 * the rows, else an array of its elements in row-major order ({@code array_to_vector} turns it
 * into an ML vector).
 *
 * <p><b>Bad rows.</b> A null or a wrong-sized value fails the task with a message naming the
 * column, unless {@code errorCol} is set: then that row gets null outputs and the reason in
 * {@code errorCol}, and the other rows are scored.
 *
 * <p><b>Shipping.</b> {@code shipModel}: true ships the file with the job
 * ({@code SparkContext.addFile}; executors read their {@code SparkFiles} copy), false makes every
 * executor read {@code modelPath} (shared storage). Unset, the model is shipped unless the master
 * is local. URIs such as {@code hdfs://} are always shipped.
 */
public final class BatchwiseModel extends Transformer {
    private final String uid;
    private final Param<String> modelPath;
    private final StringArrayParam inputCols;
    private final StringArrayParam inputNames;
    private final StringArrayParam outputCols;
    private final StringArrayParam outputNames;
    private final IntParam batchSize;
    private final IntParam intraOpThreads;
    private final BooleanParam shipModel;
    private final Param<String> errorCol;
    /** Set by the batch job only; not a Param, as it is not a setting a user chooses. */
    private RowCounters counters;

    public BatchwiseModel() {
        this(Identifiable.randomUID("batchwise"));
    }

    /** For Spark's copy and persistence machinery. */
    public BatchwiseModel(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "ONNX file, model folder (DIR/<model>) or Hadoop URI");
        inputCols = new StringArrayParam(this, "inputCols", "columns that feed the model's inputs");
        inputNames = new StringArrayParam(this, "inputNames",
                "model input each input column feeds (default: the model's only input)");
        outputCols = new StringArrayParam(this, "outputCols", "columns the outputs are written to");
        outputNames = new StringArrayParam(this, "outputNames", "model outputs to compute (default: all)");
        batchSize = new IntParam(this, "batchSize", "most rows per ONNX Runtime call (default: the model's"
                + " max_batch_size, 64 without a config)", ParamValidators.gtEq(1));
        intraOpThreads = new IntParam(this, "intraOpThreads", "threads per ONNX Runtime session (default: the"
                + " model's intra_op_threads, 1 without a config)", ParamValidators.gtEq(1));
        shipModel = new BooleanParam(this, "shipModel",
                "ship the model file with the job (default: unless the master is local)");
        errorCol = new Param<>(this, "errorCol", "column for the reason a row could not be scored; unset: fail");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> modelPath() {
        return modelPath;
    }

    public StringArrayParam inputCols() {
        return inputCols;
    }

    public StringArrayParam inputNames() {
        return inputNames;
    }

    public StringArrayParam outputCols() {
        return outputCols;
    }

    public StringArrayParam outputNames() {
        return outputNames;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam intraOpThreads() {
        return intraOpThreads;
    }

    public BooleanParam shipModel() {
        return shipModel;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public BatchwiseModel setModelPath(String value) {
        set(modelPath, value);
        return this;
    }

    public BatchwiseModel setInputCols(String... value) {
        set(inputCols, value);
        return this;
    }

    public BatchwiseModel setInputNames(String... value) {
        set(inputNames, value);
        return this;
    }

    public BatchwiseModel setOutputCols(String... value) {
        set(outputCols, value);
        return this;
    }

    public BatchwiseModel setOutputNames(String... value) {
        set(outputNames, value);
        return this;
    }

    public BatchwiseModel setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    public BatchwiseModel setIntraOpThreads(int value) {
        set(intraOpThreads, value);
        return this;
    }

    public BatchwiseModel setShipModel(boolean value) {
        set(shipModel, value);
        return this;
    }

    public BatchwiseModel setErrorCol(String value) {
        set(errorCol, value);
        return this;
    }

    /** Counts scored and failed rows into these accumulators (the batch job's summary). */
    BatchwiseModel countInto(RowCounters value) {
        this.counters = value;
        return this;
    }

    public String getModelPath() {
        return getOrDefault(modelPath);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        SparkContext sc = SparkSession.active().sparkContext();
        ModelLocator.Found found = ModelLocator.find(required(modelPath), sc);
        return outputSchema(schema, plan(schema, found, localFile(found)));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Dataset<Row> df = dataset.toDF();
        SparkContext sc = df.sparkSession().sparkContext();
        ModelLocator.Found found = ModelLocator.find(required(modelPath), sc);
        Boolean ship = isSet(shipModel) ? (Boolean) getOrDefault(shipModel) : null;
        ModelFile forExecutors = ModelLocator.forExecutors(required(modelPath), found, ship, threads(found), sc);
        ScoringPlan plan = plan(df.schema(), found, forExecutors);
        return df.mapPartitions(scorer(plan), Encoders.row(outputSchema(df.schema(), plan)));
    }

    /** The task function; static so that the closure holds the plan and nothing else. */
    private static MapPartitionsFunction<Row, Row> scorer(ScoringPlan plan) {
        return rows -> new PartitionScorer(rows, plan, ExecutorModels.pool(plan.model()));
    }

    private ModelFile localFile(ModelLocator.Found found) {
        return ModelFile.of(found, null, threads(found));
    }

    private int threads(ModelLocator.Found found) {
        return isSet(intraOpThreads) ? (Integer) getOrDefault(intraOpThreads) : found.config().intraOpThreads();
    }

    private ScoringPlan plan(StructType schema, ModelLocator.Found found, ModelFile forExecutors) {
        ModelSignature signature = ExecutorModels.pool(localFile(found)).signature();
        int rows = isSet(batchSize) ? (Integer) getOrDefault(batchSize) : found.config().maxBatchSize();
        String errors = isSet(errorCol) ? getOrDefault(errorCol) : null;
        return new ScoringPlan(forExecutors, feeds(schema, signature), outputs(schema, signature, errors), rows, errors,
                counters);
    }

    private List<InputFeed> feeds(StructType schema, ModelSignature signature) {
        String[] cols = required(inputCols);
        String[] names;
        if (isSet(inputNames)) {
            names = getOrDefault(inputNames);
            if (names.length != cols.length) {
                throw new IllegalArgumentException("inputNames has " + names.length + " entries but inputCols has "
                        + cols.length + "; give the model input of every column");
            }
        } else {
            if (signature.inputs().size() != 1) {
                throw new IllegalArgumentException("the model has inputs " + inputNames(signature)
                        + "; set inputNames to say which input each of inputCols feeds");
            }
            names = new String[cols.length];
            Arrays.fill(names, signature.inputs().get(0).name());
        }
        Map<String, List<String>> byInput = new LinkedHashMap<>();
        signature.inputs().forEach(s -> byInput.put(s.name(), new ArrayList<>()));
        for (int i = 0; i < cols.length; i++) {
            List<String> columns = byInput.get(names[i]);
            if (columns == null) {
                throw new IllegalArgumentException("inputNames: the model has no input '" + names[i] + "'; its inputs are "
                        + inputNames(signature));
            }
            columns.add(cols[i]);
        }
        List<InputFeed> feeds = new ArrayList<>();
        for (TensorSpec spec : signature.inputs()) {
            List<String> columns = byInput.get(spec.name());
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("no column feeds model input '" + spec.name() + "' (" + spec
                        + "); add one to inputCols and inputNames");
            }
            feeds.add(feed(schema, spec, columns));
        }
        return feeds;
    }

    private static InputFeed feed(StructType schema, TensorSpec spec, List<String> columns) {
        int[] positions = new int[columns.size()];
        ColumnKind[] kinds = new ColumnKind[columns.size()];
        for (int i = 0; i < positions.length; i++) {
            String col = columns.get(i);
            if (!Arrays.asList(schema.fieldNames()).contains(col)) {
                throw new IllegalArgumentException("inputCols: no column '" + col + "' in " + schema.simpleString());
            }
            positions[i] = schema.fieldIndex(col);
            org.apache.spark.sql.types.DataType type = schema.fields()[positions[i]].dataType();
            kinds[i] = ColumnKind.of(type);
            boolean text = spec.type() == DataType.BYTES;
            if (kinds[i] == null || (kinds[i] == ColumnKind.STRING) != text) {
                throw new IllegalArgumentException("column '" + col + "' is " + type.simpleString()
                        + " but model input '" + spec.name() + "' is " + spec.type() + "; batchwise feeds it "
                        + (text ? "string columns" : "numeric or boolean scalars, arrays, or ML vectors"));
            }
        }
        long[] shape = spec.shape();
        if (shape.length == 0) {
            throw new IllegalArgumentException("model input '" + spec.name() + "' has no row dimension");
        }
        return new InputFeed(spec.name(), spec.type(), Arrays.copyOfRange(shape, 1, shape.length), positions, kinds,
                columns.toArray(new String[0]));
    }

    private List<OutputColumn> outputs(StructType schema, ModelSignature signature, String errors) {
        String[] names = isSet(outputNames) ? getOrDefault(outputNames)
                : signature.outputs().stream().map(TensorSpec::name).toArray(String[]::new);
        String[] cols = isSet(outputCols) ? getOrDefault(outputCols) : names;
        if (cols.length != names.length) {
            throw new IllegalArgumentException("outputCols has " + cols.length + " entries for the " + names.length
                    + " outputs " + Arrays.toString(names) + "; set outputNames to choose the outputs");
        }
        List<String> taken = new ArrayList<>(Arrays.asList(schema.fieldNames()));
        List<OutputColumn> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            TensorSpec spec = signature.output(names[i]);
            if (spec == null) {
                throw new IllegalArgumentException("outputNames: the model has no output '" + names[i]
                        + "'; its outputs are " + signature.outputs().stream().map(TensorSpec::name).toList());
            }
            if (taken.contains(cols[i])) {
                throw new IllegalArgumentException("output column '" + cols[i] + "' already exists");
            }
            taken.add(cols[i]);
            out.add(new OutputColumn(spec.name(), cols[i], spec.type(), spec.shape().length <= 1));
        }
        if (errors != null && taken.contains(errors)) {
            throw new IllegalArgumentException("errorCol '" + errors + "' already exists");
        }
        return out;
    }

    private static StructType outputSchema(StructType schema, ScoringPlan plan) {
        StructType out = schema;
        for (OutputColumn column : plan.outputs()) {
            out = out.add(new StructField(column.column(), column.sparkType(), true,
                    org.apache.spark.sql.types.Metadata.empty()));
        }
        if (plan.errorColumn() != null) {
            out = out.add(plan.errorColumn(), DataTypes.StringType, true);
        }
        return out;
    }

    private static List<String> inputNames(ModelSignature signature) {
        return signature.inputs().stream().map(TensorSpec::name).toList();
    }

    private <T> T required(Param<T> param) {
        if (!isDefined(param)) {
            throw new IllegalArgumentException("BatchwiseModel: set " + param.name());
        }
        return getOrDefault(param);
    }

    @Override
    public BatchwiseModel copy(ParamMap extra) {
        BatchwiseModel copy = defaultCopy(extra);
        copy.counters = counters;
        return copy;
    }
}
