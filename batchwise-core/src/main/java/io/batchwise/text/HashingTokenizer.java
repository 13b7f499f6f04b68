package io.batchwise.text;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Turns text into a fixed number of token ids by hashing words, for models whose config declares
 * {@code tokenizer: hashing} (the demo embedder).
 *
 * <p>Design: the text is NFKC-normalised and lower-cased; a word is a maximal run of letters and
 * digits (anything else separates words). Each word's UTF-8 bytes are hashed with 64-bit FNV-1a
 * and mapped to an id in {@code 1 .. vocabulary-1}; id 0 is padding. The first {@code length}
 * words are kept and the rest of the row is padded with 0. There is no vocabulary file, so any
 * text has ids and the same text always has the same ids, on every machine (the "hashing trick"
 * of feature hashing; collisions are accepted).
 */
public final class HashingTokenizer {
    /** The vocabulary of the demo embedder's embedding table. */
    public static final int DEFAULT_VOCABULARY = 8192;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final int vocabulary;
    private final int length;

    /**
     * @param vocabulary ids are in {@code 0 .. vocabulary-1} (0 is padding)
     * @param length     ids per text (the model's sequence length)
     */
    public HashingTokenizer(int vocabulary, int length) {
        if (vocabulary < 2) {
            throw new IllegalArgumentException("vocabulary must be >= 2 (got " + vocabulary + ")");
        }
        if (length < 1) {
            throw new IllegalArgumentException("length must be >= 1 (got " + length + ")");
        }
        this.vocabulary = vocabulary;
        this.length = length;
    }

    /** Token ids of a text and how many of them are words (the rest is padding). */
    public record Tokens(long[] ids, int count) {
    }

    /** The ids of {@code text}: its first {@link #length()} words, padded with 0. */
    public Tokens encode(String text) {
        long[] ids = new long[length];
        String normal = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        int count = 0;
        int i = 0;
        int n = normal.length();
        while (i < n && count < length) {
            while (i < n && !Character.isLetterOrDigit(normal.codePointAt(i))) {
                i += Character.charCount(normal.codePointAt(i));
            }
            int start = i;
            while (i < n && Character.isLetterOrDigit(normal.codePointAt(i))) {
                i += Character.charCount(normal.codePointAt(i));
            }
            if (i > start) {
                ids[count++] = id(normal.substring(start, i));
            }
        }
        return new Tokens(ids, count);
    }

    /** The id of one (normalised) word. */
    long id(String word) {
        long h = FNV_OFFSET;
        for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return 1 + Long.remainderUnsigned(h, vocabulary - 1);
    }

    public int vocabulary() {
        return vocabulary;
    }

    public int length() {
        return length;
    }
}
