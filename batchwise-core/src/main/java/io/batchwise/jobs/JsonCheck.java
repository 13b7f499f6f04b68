package io.batchwise.jobs;

import io.batchwise.text.AsciiDigits;
import java.util.Arrays;

/**
 * A quick, one-sided check that a batch line is well-formed JSON which {@link InputLine#parse}'s
 * parser accepts whole, for validating large files without tokenizing every number.
 *
 * <p>A line passes only when it certainly is such JSON: strict RFC 8259 syntax, no duplicate key
 * in any object (the parser detects them), and well inside the parser's limits (nesting, number,
 * string and key lengths). Anything else, including valid JSON this check does not go into (keys
 * with escapes, {@code \}u escapes of surrogates, very large objects), returns null, and the caller
 * parses the line with Jackson, which accepts it or names its error. A null therefore never
 * changes a line's outcome, only what it costs to reach it.
 *
 * <p>A row of 1,024 floats is nearly all numbers, so a run of numbers in an array is checked in
 * one tight loop ({@link #numberRun}); other numbers skip their digits eight bytes at a time
 * ({@link ByteSearch#skipDigits}), and strings skip to their next quote, backslash or control
 * character the same way.
 */
final class JsonCheck {
    /** Deeper nesting is left to the parser (its own limit is far higher). */
    private static final int MAX_DEPTH = 64;
    /** Keys of the open objects compared for duplicates; more are left to the parser. */
    private static final int MAX_KEYS = 256;
    private static final int MAX_NUMBER = 100;
    private static final int MAX_KEY = 1_000;
    private static final int MAX_STRING = 1 << 20;
    /** Bytes the reads of a number in {@link #numberRun} may reach past its start. */
    private static final int SHORT_WINDOW = 16;
    private static final byte[] BODY = {'b', 'o', 'd', 'y'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final int FAILED = 0;
    private static final int READ = 1;
    private static final int OPENED = 2;

    private final byte[] b;
    private final int n;
    private int i;
    /** Per open container: true for an object. */
    private final boolean[] object = new boolean[MAX_DEPTH];
    /** Per open object: where its keys start in {@link #keyFrom} / {@link #keyTo}. */
    private final int[] firstKey = new int[MAX_DEPTH];
    private final int[] keyFrom = new int[MAX_KEYS];
    private final int[] keyTo = new int[MAX_KEYS];
    private int keys;
    private int depth;
    private boolean bodyNext;
    private int bodyFrom = -1;
    private int bodyTo = -1;

    private JsonCheck(byte[] b) {
        this.b = b;
        this.n = b.length;
    }

    /**
     * [start, end) of the top-level {@code "body"} object of a line that is certainly well-formed
     * JSON the line parser accepts; null when the line may not be (the parser decides) or has no
     * object {@code body} at its top level.
     */
    static int[] bodyOfWellFormed(byte[] line) {
        JsonCheck c = new JsonCheck(line);
        return c.line() && c.bodyTo >= 0 ? new int[] {c.bodyFrom, c.bodyTo} : null;
    }

    private boolean line() {
        skipWhitespace();
        if (i >= n || b[i] != '{') {
            return false;
        }
        while (true) {
            int read = value();
            if (read == FAILED) {
                return false;
            }
            if (read == OPENED) {
                continue;
            }
            if (depth > 0 && !object[depth - 1] && !numberRun()) {
                return false;
            }
            // after a whole value: close every container that ends here, then a comma or the end
            while (true) {
                skipWhitespace();
                if (depth == 0) {
                    return i == n;
                }
                if (i >= n) {
                    return false;
                }
                byte c = b[i++];
                if (c == ',') {
                    break;
                }
                if (c != (object[depth - 1] ? '}' : ']')) {
                    return false;
                }
                close();
            }
            if (object[depth - 1] && !key()) {
                return false;
            }
        }
    }

    /**
     * A value at {@link #i} (after whitespace): {@link #READ} when it was read whole,
     * {@link #OPENED} for a container opened with {@link #i} at its first element (an object's
     * first key already read), {@link #FAILED} when it is not certainly valid.
     */
    private int value() {
        skipWhitespace();
        if (i >= n) {
            return FAILED;
        }
        byte c = b[i];
        boolean body = bodyNext;
        bodyNext = false;
        if (c == '{' || c == '[') {
            if (depth == MAX_DEPTH) {
                return FAILED;
            }
            if (body && c == '{') {
                bodyFrom = i;
            }
            object[depth] = c == '{';
            firstKey[depth] = keys;
            depth++;
            i++;
            skipWhitespace();
            if (i < n && b[i] == (c == '{' ? '}' : ']')) {
                i++;
                close();
                return READ;
            }
            return c == '[' || key() ? OPENED : FAILED;
        }
        boolean ok = switch (c) {
            case '"' -> string(false);
            case 't' -> literal(TRUE);
            case 'f' -> literal(FALSE);
            case 'n' -> literal(NULL);
            default -> number();
        };
        return ok ? READ : FAILED;
    }

    /** The container just left: its keys are dropped, and a body object's end is noted. */
    private void close() {
        depth--;
        keys = firstKey[depth];
        if (depth == 1 && bodyFrom >= 0 && bodyTo < 0 && object[depth]) {
            bodyTo = i;
        }
    }

    /** A key, its colon, and whether it is new in its object; {@link #i} is left at its value. */
    private boolean key() {
        skipWhitespace();
        if (i >= n || b[i] != '"') {
            return false;
        }
        int from = i + 1;
        if (!string(true) || keys == MAX_KEYS) {
            return false;
        }
        int to = i - 1;
        for (int k = firstKey[depth - 1]; k < keys; k++) {
            if (Arrays.equals(b, keyFrom[k], keyTo[k], b, from, to)) {
                return false;
            }
        }
        keyFrom[keys] = from;
        keyTo[keys] = to;
        keys++;
        bodyNext = depth == 1 && Arrays.equals(b, from, to, BODY, 0, BODY.length);
        skipWhitespace();
        if (i >= n || b[i] != ':') {
            return false;
        }
        i++;
        return true;
    }

    /**
     * A string at {@link #i} (its opening quote): false when it is not certainly valid. A key
     * passes only without escapes (duplicates are compared as bytes) and below {@link #MAX_KEY}.
     */
    private boolean string(boolean key) {
        int from = ++i;
        int max = key ? MAX_KEY : MAX_STRING;
        while (true) {
            i = ByteSearch.quoteBackslashOrControl(b, i, n);
            if (i >= n || i - from > max) {
                return false;
            }
            if (b[i] == '"') {
                i++;
                return true;
            }
            if (b[i] != '\\' || key || !escape()) {
                return false; // a control character, a key's escape, or a bad escape
            }
        }
    }

    /** The escape at {@link #i} (its backslash). */
    private boolean escape() {
        if (i + 1 >= n) {
            return false;
        }
        byte e = b[i + 1];
        switch (e) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                i += 2;
                return true;
            }
            case 'u' -> {
                if (i + 6 > n) {
                    return false;
                }
                int v = 0;
                for (int k = i + 2; k < i + 6; k++) {
                    int h = Character.digit(b[k], 16);
                    if (h < 0) {
                        return false;
                    }
                    v = v << 4 | h;
                }
                i += 6;
                return v < 0xd800 || v > 0xdfff; // surrogates: the parser decides
            }
            default -> {
                return false;
            }
        }
    }

    private boolean literal(byte[] word) {
        if (i + word.length > n || !Arrays.equals(b, i, i + word.length, word, 0, word.length)) {
            return false;
        }
        i += word.length;
        return true;
    }

    /**
     * After a value in an array, the numbers that follow it, comma by comma, for as long as they
     * come: a row of features in one tight loop. The commonest token, {@code -?d.d{1,7}} with no
     * exponent, is checked from three reads that depend only on where it starts (the sign, digit
     * and point from the first, the fraction from the second or the third), and the byte after its
     * fraction says whether another follows; other numbers take {@link #number}. Leaves
     * {@link #i} at the first byte that is not part of the run.
     */
    private boolean numberRun() {
        int j = i;
        while (j < n - SHORT_WINDOW && b[j] == ',') {
            int from = j + 1;
            while (true) {
                int next = AsciiDigits.oneDigitDecimal(b, from);
                if (next < 0) {
                    break;
                }
                from = next;
                if (from >= n - SHORT_WINDOW) {
                    break;
                }
            }
            byte c = b[from];
            if (c != '-' && (c < '0' || c > '9')) {
                i = from - 1;
                return true; // the comma before a value of another kind, or whitespace: the caller's
            }
            i = from;
            if (!number()) {
                return false;
            }
            j = i;
        }
        i = j;
        return true;
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}; what follows it is the caller's. */
    private boolean number() {
        int from = i;
        int j = i;
        if (b[j] == '-') {
            j++;
        }
        if (j >= n) {
            return false;
        }
        byte c = b[j];
        if (c == '0') {
            j++;
        } else if (c >= '1' && c <= '9') {
            j = ByteSearch.skipDigits(b, j + 1, n);
        } else {
            return false;
        }
        if (j < n && b[j] == '.') {
            int k = ByteSearch.skipDigits(b, j + 1, n);
            if (k == j + 1) {
                return false;
            }
            j = k;
        }
        if (j < n && (b[j] | 0x20) == 'e') {
            j++;
            if (j < n && (b[j] == '+' || b[j] == '-')) {
                j++;
            }
            int k = ByteSearch.skipDigits(b, j, n);
            if (k == j) {
                return false;
            }
            j = k;
        }
        i = j;
        return j - from <= MAX_NUMBER;
    }

    private void skipWhitespace() {
        while (i < n) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }
}
