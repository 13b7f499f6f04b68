package io.batchwise.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class InputLineTest {
    private static final String URL = "/v2/models/tiny/infer";

    private static LineReader.Line line(String text) {
        return new LineReader.Line(text.getBytes(StandardCharsets.UTF_8), true, 7, 100);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"" + URL + "\",\"body\":{\"x\":[1,2,{\"y\":\"}\"}]}}",
        "{\"body\":{\"s\":\"quote \\\" and brace { in a string\"},\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"" + URL + "\"}",
        "{ \"custom_id\" : \"a\" , \"meta\" : {\"body\":{\"no\":1}} , \"method\":\"POST\", \"url\":\"" + URL + "\" , \"body\" : { } }",
        "{\"custom_id\":\"body\",\"method\":\"POST\",\"url\":\"" + URL + "\",\"body\":{\"inputs\":[]}}",
        "{\"custom_id\":\"a\\\\\",\"method\":\"POST\",\"url\":\"" + URL + "\",\"body\":{\"k\":\"\\\\\"}}",
    })
    void parseValidated_sameAsTheFullParse(String text) throws Exception {
        InputLine full = InputLine.parse(line(text), URL);
        InputLine fast = InputLine.parseValidated(line(text), URL);
        assertEquals(full.customId(), fast.customId());
        assertEquals(full.url(), fast.url());
        assertArrayEquals(full.body(), fast.body());
    }

    @Test
    void parseValidated_longStringsAndArrays_sameAsTheFullParse() throws Exception {
        // Escapes and brackets at every offset within the 8-byte words the scan reads at once.
        String bs = "\\";
        String q = "\"";
        StringBuilder body = new StringBuilder("{\"s\":[");
        for (int k = 0; k < 40; k++) {
            body.append(k == 0 ? "" : ",").append(q).append(("ab" + bs + q + "]}").repeat(k % 5)).append("x".repeat(k))
                    .append(bs + bs + bs + q + ",[{").append(q);
        }
        body.append("],\"n\":[[1.5,-2e3],[0,7]],\"t\":{\"u\":{}}}");
        String text = "{\"custom_id\":\"a\",\"method\":\"POST\",\"body\":" + body + ",\"url\":\"" + URL + "\"}";
        InputLine full = InputLine.parse(line(text), URL);
        InputLine fast = InputLine.parseValidated(line(text), URL);
        assertEquals(body.toString(), new String(fast.body(), StandardCharsets.UTF_8));
        assertArrayEquals(full.body(), fast.body());
    }

    @Test
    void bodyExtent_bodyNotAnObject_none() {
        assertNull(InputLine.bodyExtent("{\"body\":[{\"a\":1}],\"x\":{}}".getBytes(StandardCharsets.UTF_8)));
        assertNull(InputLine.bodyExtent("{\"body\":\"{}\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void parseValidated_malformedLine_stillRejected() {
        InputLine.Invalid e = assertThrows(InputLine.Invalid.class, () -> InputLine.parseValidated(
                line("{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"" + URL + "\",\"body\":{\"x\":1} trailing"), URL));
        assertEquals("invalid_json_line", e.error.code());
    }

    @Test
    void parse_keepsBodyBytesExactly() throws Exception {
        String body = "{\"inputs\":[{\"name\":\"é\",\"data\":[1.5e-3, -2]}]}";
        InputLine l = InputLine.parse(line("{\"custom_id\":\"c\",\"method\":\"POST\",\"url\":\"" + URL + "\",\"body\":"
                + body + "}"), URL);
        assertEquals(body, new String(l.body(), StandardCharsets.UTF_8));
        assertEquals("c", l.customId());
    }
}
