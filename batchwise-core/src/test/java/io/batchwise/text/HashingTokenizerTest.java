package io.batchwise.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HashingTokenizerTest {
    private final HashingTokenizer tokenizer = new HashingTokenizer(8192, 8);

    @Test
    void encode_sameText_sameIds() {
        assertArrayEquals(tokenizer.encode("The quick brown fox").ids(),
                tokenizer.encode("The quick brown fox").ids());
    }

    @Test
    void encode_caseAndPunctuation_ignored() {
        assertArrayEquals(tokenizer.encode("hello, world!").ids(), tokenizer.encode("HELLO world").ids());
    }

    @Test
    void encode_shortText_paddedWithZero() {
        HashingTokenizer.Tokens t = tokenizer.encode("one two");
        assertEquals(2, t.count());
        assertEquals(8, t.ids().length);
        assertTrue(t.ids()[0] > 0 && t.ids()[1] > 0);
        for (int i = 2; i < 8; i++) {
            assertEquals(0, t.ids()[i]);
        }
    }

    @Test
    void encode_longText_truncatedToLength() {
        HashingTokenizer.Tokens t = tokenizer.encode("a b c d e f g h i j k l");
        assertEquals(8, t.count());
        assertArrayEquals(tokenizer.encode("a b c d e f g h").ids(), t.ids());
    }

    @Test
    void encode_idsWithinVocabularyAndNeverPadding() {
        HashingTokenizer small = new HashingTokenizer(5, 64);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            text.append("word").append(i).append(' ');
        }
        for (long id : small.encode(text.toString()).ids()) {
            assertTrue(id >= 1 && id <= 4, "id " + id);
        }
    }

    @Test
    void encode_differentWords_differentIds() {
        assertNotEquals(tokenizer.encode("cat").ids()[0], tokenizer.encode("dog").ids()[0]);
    }

    @Test
    void encode_unicodeWords_kept() {
        HashingTokenizer.Tokens t = tokenizer.encode("Größe café 東京");
        assertEquals(3, t.count());
        assertArrayEquals(t.ids(), tokenizer.encode("größe CAFÉ 東京").ids());
    }

    @Test
    void constructor_badSizes_rejected() {
        assertThrows(IllegalArgumentException.class, () -> new HashingTokenizer(1, 8));
        assertThrows(IllegalArgumentException.class, () -> new HashingTokenizer(8192, 0));
    }
}
