package io.batchwise.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A reader of protocol buffer text format, the syntax of Triton's {@code config.pbtxt}, into
 * an untyped tree. It knows no schema: a field holds scalar tokens or nested messages, and the
 * caller ({@link TritonConfigImport}) decides what each field means.
 *
 * <p>Accepted syntax, as protobuf's own text parser accepts it: {@code name: value} for scalars;
 * {@code name { ... }}, {@code name: { ... }} or {@code name < ... >} for messages; a repeated
 * field either repeated or as a list {@code name: [a, b]} (of scalars or of messages); fields
 * optionally separated by {@code ,} or {@code ;}; {@code #} comments to the end of the line;
 * strings in single or double quotes with C escapes, adjacent strings concatenated; numbers in
 * decimal, hexadecimal or floating-point notation with an optional sign; identifiers (enum
 * values, {@code true}, {@code false}). Errors name the line and column.
 */
public final class TextFormat {
    private final String text;
    private final String source;
    private int pos;
    private int line = 1;
    private int lineStart;

    /** A scalar as written: the token text (unquoted and unescaped for strings), and its line. */
    public record Scalar(String text, boolean quoted, int line) {
        @Override
        public String toString() {
            return quoted ? '"' + text + '"' : text;
        }
    }

    /** One occurrence of a field: its name and a {@link Scalar} or {@link Message} value. */
    public record Field(String name, Object value, int line) {
    }

    /** A message: its fields in the order written (a repeated field occurs several times). */
    public record Message(List<Field> fields) {
        public Message {
            fields = List.copyOf(fields);
        }

        /** Field names in the order first written. */
        public Set<String> names() {
            Set<String> out = new LinkedHashSet<>();
            fields.forEach(f -> out.add(f.name()));
            return out;
        }

        /** Every value of a field, in order (empty when absent). */
        public List<Object> all(String name) {
            List<Object> out = new ArrayList<>();
            for (Field f : fields) {
                if (f.name().equals(name)) {
                    out.add(f.value());
                }
            }
            return out;
        }

        public boolean has(String name) {
            return fields.stream().anyMatch(f -> f.name().equals(name));
        }
    }

    private TextFormat(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /**
     * Parses a whole text-format document.
     *
     * @param source the file name, used in error messages
     * @throws InvalidConfig naming the line and column of the first syntax error
     */
    public static Message parse(String text, String source) {
        TextFormat p = new TextFormat(text, source);
        Message m = p.fields(null);
        p.skipSpace();
        if (p.pos < p.text.length()) {
            throw p.error("unexpected '" + p.text.charAt(p.pos) + "'");
        }
        return m;
    }

    private Message fields(Character close) {
        List<Field> out = new ArrayList<>();
        while (true) {
            skipSpace();
            if (pos >= text.length()) {
                if (close != null) {
                    throw error("missing '" + close + "' before the end of the file");
                }
                return new Message(out);
            }
            char c = text.charAt(pos);
            if (close != null && c == close) {
                pos++;
                return new Message(out);
            }
            int at = line;
            String name = identifier("a field name");
            skipSpace();
            boolean colon = peek(':');
            if (colon) {
                pos++;
                skipSpace();
            }
            if (peek('[')) {
                pos++;
                list(name, at, out);
            } else if (peek('{') || peek('<')) {
                out.add(new Field(name, message(), at));
            } else if (!colon) {
                throw error("expected ':' or '{' after field '" + name + "'");
            } else {
                out.add(new Field(name, scalar(), at));
            }
            skipSpace();
            if (peek(',') || peek(';')) {
                pos++;
            }
        }
    }

    private void list(String name, int at, List<Field> out) {
        skipSpace();
        if (peek(']')) {
            pos++;
            return;
        }
        while (true) {
            skipSpace();
            Object value = peek('{') || peek('<') ? message() : scalar();
            out.add(new Field(name, value, at));
            skipSpace();
            if (peek(',')) {
                pos++;
            } else if (peek(']')) {
                pos++;
                return;
            } else {
                throw error("expected ',' or ']' in the list of field '" + name + "'");
            }
        }
    }

    private Message message() {
        char open = text.charAt(pos++);
        return fields(open == '{' ? '}' : '>');
    }

    private Scalar scalar() {
        skipSpace();
        if (pos >= text.length()) {
            throw error("expected a value before the end of the file");
        }
        int at = line;
        char c = text.charAt(pos);
        if (c == '"' || c == '\'') {
            StringBuilder s = new StringBuilder();
            do {
                s.append(string());
                skipSpace();
            } while (peek('"') || peek('\''));
            return new Scalar(s.toString(), true, at);
        }
        int start = pos;
        if (c == '-' || c == '+') {
            pos++;
            skipSpace();
        }
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || "._+-".indexOf(text.charAt(pos)) >= 0)) {
            char d = text.charAt(pos);
            if ((d == '+' || d == '-') && !exponentSign(start)) {
                break;
            }
            pos++;
        }
        if (pos == start || (pos == start + 1 && (c == '-' || c == '+'))) {
            throw error("expected a value");
        }
        return new Scalar(text.substring(start, pos).replaceAll("\\s+", ""), false, at);
    }

    /** A sign inside a token belongs to it only right after the 'e' of a decimal number. */
    private boolean exponentSign(int start) {
        char prev = text.charAt(pos - 1);
        String token = text.substring(start, pos).replaceFirst("^[-+]\\s*", "");
        return (prev == 'e' || prev == 'E') && token.length() >= 2 && Character.isDigit(token.charAt(0))
                && !token.startsWith("0x") && !token.startsWith("0X");
    }

    private String string() {
        char quote = text.charAt(pos++);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == quote) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
            if (c != '\\') {
                int cp = text.codePointAt(pos - 1);
                pos += Character.charCount(cp) - 1;
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case 'n' -> bytes.write('\n');
                case 't' -> bytes.write('\t');
                case 'r' -> bytes.write('\r');
                case 'a' -> bytes.write(7);
                case 'b' -> bytes.write('\b');
                case 'f' -> bytes.write('\f');
                case 'v' -> bytes.write(11);
                case '\\', '\'', '"', '?' -> bytes.write(e);
                case 'x' -> bytes.write(digits(16, 2, "\\x escape"));
                default -> {
                    if (e >= '0' && e <= '7') {
                        pos--;
                        bytes.write(digits(8, 3, "octal escape"));
                    } else {
                        throw error("unknown escape '\\" + e + "'");
                    }
                }
            }
        }
    }

    private int digits(int radix, int max, String what) {
        int start = pos;
        while (pos < text.length() && pos - start < max && Character.digit(text.charAt(pos), radix) >= 0) {
            pos++;
        }
        if (pos == start) {
            throw error("bad " + what);
        }
        return Integer.parseInt(text.substring(start, pos), radix) & 0xff;
    }

    private String identifier(String what) {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        if (pos == start || Character.isDigit(text.charAt(start))) {
            pos = start;
            throw error("expected " + what + ", found '" + (start < text.length() ? text.charAt(start) : ' ') + "'");
        }
        return text.substring(start, pos);
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (Character.isWhitespace(c)) {
                if (c == '\n') {
                    line++;
                    lineStart = pos + 1;
                }
                pos++;
            } else {
                return;
            }
        }
    }

    private InvalidConfig error(String message) {
        return new InvalidConfig(source + ":" + line + ":" + (pos - lineStart + 1) + ": " + message);
    }
}
