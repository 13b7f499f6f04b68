package io.batchwise.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextFormatTest {
    private static String text(Object v) {
        return ((TextFormat.Scalar) v).text();
    }

    @Test
    void parse_scalarsMessagesAndComments_keepsFieldsInOrder() {
        TextFormat.Message m = TextFormat.parse("""
                # a comment
                name: "m"   # trailing comment
                count: 3, kind: KIND_GPU;
                nested { a: 1 inner: < b: true > }
                with_colon: { c: -2.5e-3 }
                """, "t");
        assertEquals(List.of("name", "count", "kind", "nested", "with_colon"), List.copyOf(m.names()));
        assertEquals("m", text(m.all("name").get(0)));
        assertTrue(((TextFormat.Scalar) m.all("name").get(0)).quoted());
        assertEquals("3", text(m.all("count").get(0)));
        assertEquals("KIND_GPU", text(m.all("kind").get(0)));
        assertFalse(((TextFormat.Scalar) m.all("kind").get(0)).quoted());
        TextFormat.Message nested = (TextFormat.Message) m.all("nested").get(0);
        TextFormat.Message inner = (TextFormat.Message) nested.all("inner").get(0);
        assertEquals("true", text(inner.all("b").get(0)));
        assertEquals("-2.5e-3", text(((TextFormat.Message) m.all("with_colon").get(0)).all("c").get(0)));
    }

    @Test
    void parse_listsAndRepetition_giveEveryValue() {
        TextFormat.Message m = TextFormat.parse("""
                sizes: [4, 8]
                sizes: 16
                groups [ { count: 1 }, { count: 2 } ]
                empty: []
                """, "t");
        assertEquals(List.of("4", "8", "16"), m.all("sizes").stream().map(TextFormatTest::text).toList());
        assertEquals(2, m.all("groups").size());
        assertEquals("2", text(((TextFormat.Message) m.all("groups").get(1)).all("count").get(0)));
        assertTrue(m.all("empty").isEmpty());
    }

    @Test
    void parse_stringEscapesAndAdjacentStrings_areDecoded() {
        TextFormat.Message m = TextFormat.parse("s: 'it\\'s' \"\\x41\\101\\n\" \"é\"", "t");
        assertEquals("it'sAA\né", text(m.all("s").get(0)));
    }

    @Test
    void parse_hexAndSignedNumbers_keepTheirText() {
        TextFormat.Message m = TextFormat.parse("a: 0x1F b: -7 c: 1e+3 d: -inf", "t");
        assertEquals("0x1F", text(m.all("a").get(0)));
        assertEquals("-7", text(m.all("b").get(0)));
        assertEquals("1e+3", text(m.all("c").get(0)));
        assertEquals("-inf", text(m.all("d").get(0)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "a: 1\\nb {|2:|missing '}'",
            "a: 1\\n  b: \"open|2:|unterminated string",
            "a 1|1:|expected ':' or '{'",
            "a: [1 2]|1:|expected ',' or ']'",
            "a: 1 }|1:6|found '}'",
            "9a: 1|1:1|expected a field name",
            "a: \"\\q\"|1:|unknown escape",
    })
    void parse_syntaxError_namesLineAndProblem(String input, String where, String problem) {
        InvalidConfig e = assertThrows(InvalidConfig.class, () -> TextFormat.parse(input.replace("\\n", "\n"), "config.pbtxt"));
        assertTrue(e.getMessage().startsWith("config.pbtxt:" + where), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }
}
