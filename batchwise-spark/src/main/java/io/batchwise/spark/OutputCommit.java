package io.batchwise.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Writes a job's results as {@code OUT/output} and {@code OUT/errors} in one pass, through
 * Spark's output committer, so a task attempt's files count only if that attempt commits: a
 * retried task never duplicates rows, and a failed job leaves no half-written output behind.
 *
 * <p>The rows carry a {@code kind} column ({@code output} or {@code errors}); Spark writes them
 * partitioned by it into {@code OUT/_staging}, and only when that write has committed are the
 * two folders moved into place (replacing those of an earlier run), so re-running a failed or
 * finished job gives the same result.
 */
final class OutputCommit {
    static final String KIND = "kind";
    static final String OUTPUT = "output";
    static final String ERRORS = "errors";

    private OutputCommit() {
    }

    /** Writes {@code rows} (JSONL: one string column besides {@code kind}; else Parquet). */
    static void write(Dataset<Row> rows, String out, JobFormat format, Phases phases) {
        String staging = out + "/_staging";
        var writer = rows.write().mode(SaveMode.Overwrite).partitionBy(KIND);
        if (format == JobFormat.JSONL) {
            writer.text(staging);
        } else {
            writer.parquet(staging);
        }
        phases.end("score_and_write");
        Path dir = new Path(out);
        try {
            FileSystem fs = dir.getFileSystem(rows.sparkSession().sparkContext().hadoopConfiguration());
            for (String kind : new String[] {OUTPUT, ERRORS}) {
                Path target = new Path(dir, kind);
                Path written = new Path(staging, KIND + "=" + kind);
                fs.delete(target, true);
                if (fs.exists(written)) {
                    rename(fs, written, target);
                } else {
                    fs.mkdirs(target);
                }
                if (format == JobFormat.JSONL) {
                    renameParts(fs, target);
                }
            }
            fs.delete(new Path(staging), true);
            fs.create(new Path(dir, "_SUCCESS"), true).close();
            phases.end("commit");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the committed output into " + out + ": " + e.getMessage(), e);
        }
    }

    /** Spark names text parts {@code .txt}; they hold JSON lines. */
    private static void renameParts(FileSystem fs, Path dir) throws IOException {
        for (FileStatus f : fs.listStatus(dir)) {
            String name = f.getPath().getName();
            if (name.startsWith("part-") && name.endsWith(".txt")) {
                rename(fs, f.getPath(), new Path(dir, name.substring(0, name.length() - 4) + ".jsonl"));
            }
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " to " + to + " failed");
        }
    }
}
