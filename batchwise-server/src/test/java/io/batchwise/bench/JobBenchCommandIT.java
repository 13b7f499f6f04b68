package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.cli.CapturedRun;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bench jobs} end to end on the tiny model, small enough for the suite. */
class JobBenchCommandIT {
    @Test
    void offline_holdsEachRoundToTheCeilingsBesideIt_andReportsTheMedianRound() {
        CapturedRun run = CapturedRun.of("bench", "jobs", "--model", "tiny", "--lines", "300", "--seconds", "0.2",
                "--rounds", "3");
        String text = run.out() + run.err();

        assertEquals(0, run.code(), text);
        Pattern round = Pattern.compile("offline round (\\d): .* = (\\d+)%");
        Matcher m = round.matcher(text);
        StringBuilder shares = new StringBuilder();
        List<Integer> values = new ArrayList<>();
        while (m.find()) {
            values.add(Integer.parseInt(m.group(2)));
            assertEquals(values.size(), Integer.parseInt(m.group(1)), text);
            shares.append(shares.length() == 0 ? "" : ", ").append(m.group(2)).append('%');
        }
        assertEquals(3, values.size(), text);
        // The summary lists the rounds' shares and reports the middle one.
        Matcher summary = Pattern.compile("median of 3 rounds: \\d+ rows/s = (\\d+)% .*\\(rounds: ([^)]*)\\)")
                .matcher(text);
        assertTrue(summary.find(), text);
        assertEquals(shares.toString(), summary.group(2), text);
        Collections.sort(values);
        assertEquals(values.get(1), Integer.parseInt(summary.group(1)), text);
        // Counted from the job's creation, validation included, no round is faster than its run alone.
        Matcher validated = Pattern.compile("validation included\\): \\d+ rows/s = (\\d+)%").matcher(text);
        assertTrue(validated.find(), text);
        assertTrue(Integer.parseInt(validated.group(1)) <= values.get(2), text);
        assertTrue(text.contains("per row, by thread"), text);
    }
}
