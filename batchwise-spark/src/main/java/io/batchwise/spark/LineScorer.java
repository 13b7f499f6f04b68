package io.batchwise.spark;

import io.batchwise.jobs.BatchEndpoint;
import io.batchwise.jobs.BatchError;
import io.batchwise.jobs.Ids;
import io.batchwise.jobs.InputLine;
import io.batchwise.jobs.OutputLines;
import io.batchwise.jobs.RowFailure;
import io.batchwise.runtime.InferenceRequest;
import io.batchwise.runtime.InferenceResponse;
import io.batchwise.runtime.LoadedModel;
import io.batchwise.runtime.ModelNotFound;
import io.batchwise.tensor.Rows;
import io.batchwise.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition of a batch input file, line by line in, {@code (kind, line)} rows out,
 * writing exactly what {@code batch run} writes for each line: the same ids (derived from the
 * batch id and the line's index), the same response bodies (the line's endpoint encodes them),
 * the same error lines. Lines are parsed and prepared as they arrive and run as ONNX Runtime
 * calls of up to {@code batchSize} rows, grouped as {@code batch run}'s full-batch runner
 * groups them; one batch of lines is held at a time.
 */
final class LineScorer implements Iterator<Row> {
    /** One line on its way. */
    private static final class Slot {
        final long number;
        final long index;
        String customId;
        BatchError invalid;
        BatchEndpoint.Call call;
        long rows;
        RuntimeException failure;
        String body;

        Slot(long number, long index) {
            this.number = number;
            this.index = index;
        }
    }

    private final Iterator<byte[]> lines;
    private final LineJob job;
    private final LineModel model;
    private final BatchEndpoint endpoint;
    private final String version;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private long number;
    private long index;

    /**
     * @param lines       the partition's physical lines, blank ones included, as bytes without
     *                    their line ending
     * @param firstNumber the 1-based number of the partition's first line in the file
     * @param firstIndex  the 0-based index of its first request among all requests
     */
    LineScorer(Iterator<byte[]> lines, long firstNumber, long firstIndex, LineJob job, LineModel model) {
        this.lines = lines;
        this.job = job;
        this.model = model;
        this.endpoint = model.endpoint(job.endpoint());
        this.version = model.model().version();
        this.number = firstNumber - 1;
        this.index = firstIndex;
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && lines.hasNext()) {
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
        List<Slot> slots = new ArrayList<>();
        long rows = 0;
        while (rows < job.batchSize() && slots.size() < job.batchSize() && lines.hasNext()) {
            byte[] line = lines.next();
            number++;
            if (blank(line)) {
                continue;
            }
            Slot s = prepare(line, number, index++);
            slots.add(s);
            rows += s.call != null && s.failure == null ? s.rows : 0;
        }
        run(slots);
        for (Slot s : slots) {
            ready.add(write(s));
        }
    }

    private Slot prepare(byte[] bytes, long lineNumber, long lineIndex) {
        Slot s = new Slot(lineNumber, lineIndex);
        try {
            // a validated file's lines take the fast path that does not tokenize the body
            InputLine line = job.validated() ? InputLine.parseValidated(bytes, utf8(bytes), lineNumber, job.endpoint())
                    : InputLine.parse(bytes, utf8(bytes), lineNumber, job.endpoint());
            s.customId = line.customId();
            s.call = endpoint.prepare(line.url(), line.body());
            LoadedModel m = model.model();
            if (!s.call.model().equals(m.name()) || (s.call.version() != null && !s.call.version().equals(version))) {
                throw new ModelNotFound("model '" + s.call.model() + (s.call.version() == null ? ""
                        : "' version '" + s.call.version()) + "' is not the model of this job ('" + m.name()
                        + "' version " + version + ")");
            }
            s.rows = m.signature().validate(s.call.request());
        } catch (InputLine.Invalid e) {
            s.invalid = e.error();
        } catch (RuntimeException e) {
            s.failure = e;
        }
        return s;
    }

    /**
     * Runs the prepared lines, one ONNX Runtime call per group of lines with the same input
     * shapes and requested outputs, as {@code batch run}'s full-batch runner groups them; a call
     * that fails is rerun line by line, so one bad line fails alone.
     */
    private void run(List<Slot> slots) {
        Map<String, List<Slot>> groups = new LinkedHashMap<>();
        for (Slot s : slots) {
            if (s.call != null && s.failure == null) {
                groups.computeIfAbsent(key(s.call.request()), k -> new ArrayList<>()).add(s);
            }
        }
        groups.values().forEach(this::runGroup);
    }

    private void runGroup(List<Slot> group) {
        List<List<Tensor>> inputs = new ArrayList<>(group.size());
        group.forEach(s -> inputs.add(s.call.request().inputs()));
        List<List<Tensor>> results;
        try {
            results = model.pool().runRequests(inputs, Set.copyOf(group.get(0).call.request().outputs()));
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                group.get(0).failure = e;
            } else {
                group.forEach(s -> runGroup(List.of(s)));
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            respond(group.get(i), results.get(i));
        }
    }

    private void respond(Slot s, List<Tensor> outputs) {
        try {
            String body = s.call.responseBody(new InferenceResponse(s.call.request().id(), model.model().name(), version,
                    outputs));
            s.body = body.indexOf('\n') < 0 && body.indexOf('\r') < 0 ? body : body.replace("\r", "").replace("\n", "");
        } catch (RuntimeException e) {
            s.failure = e;
        }
    }

    private Row write(Slot s) {
        String[] ids = Ids.request(job.batchId(), s.index);
        byte[] line;
        boolean ok = false;
        if (s.invalid != null) {
            line = OutputLines.error(ids[0], s.customId, s.invalid.code(), s.invalid.message());
        } else if (s.failure != null) {
            RowFailure failure = LineModel.FAILURES.describe(s.failure);
            line = OutputLines.response(ids[0], s.customId, failure.status(), ids[1], endpoint.errorBody(failure));
        } else {
            line = OutputLines.response(ids[0], s.customId, 200, ids[1], s.body);
            ok = true;
        }
        if (job.counters() != null) {
            (ok ? job.counters().completed() : job.counters().failed()).add(1);
            if (ok) {
                job.counters().rows().add(s.rows);
            }
        }
        int end = line.length > 0 && line[line.length - 1] == '\n' ? line.length - 1 : line.length;
        return RowFactory.create(new String(line, 0, end, StandardCharsets.UTF_8),
                ok ? OutputCommit.OUTPUT : OutputCommit.ERRORS);
    }

    /** Input names, types and row shapes, and the requested outputs: lines that can share a run. */
    private static String key(InferenceRequest request) {
        StringBuilder b = new StringBuilder();
        for (Tensor t : request.inputs()) {
            b.append(t.name()).append(':').append(t.type()).append(Arrays.toString(Rows.rowShape(t.shape()))).append(';');
        }
        return b.append(new TreeSet<>(request.outputs())).toString();
    }

    /** A line of spaces and tabs only carries no request (as {@code batch run} reads files). */
    static boolean blank(byte[] line) {
        for (byte c : line) {
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Whether a line's bytes are valid UTF-8; JSON lines are nearly always ASCII, the rest pay a strict decode. */
    static boolean utf8(byte[] line) {
        for (byte c : line) {
            if (c < 0) {
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line));
                    return true;
                } catch (CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true;
    }
}
