package dev.e2bgateway.upstream;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the route's answer ({@code sbxId}, {@code stdout}/{@code stderr} as arrays of chunks or
 * strings, {@code runtimeError}, {@code cellResults}) straight off the connection, one character at
 * a time, keeping at most the cell's budget of its strings: the answer is never held whole, so a
 * cell that prints 15 MB costs the gateway its cap (docs/code-interpreter.md, "Budgets"). Any other
 * field is skipped without being kept. A small pull parser of its own, because Jackson's holds a
 * whole string token before giving any of it.
 */
final class SandboxAnswer {

    /** The answer is not JSON, or not a cell's output. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** IPython colours its tracebacks with terminal escapes (CSI sequences); no client or model wants them. */
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");
    private static final Pattern SCALAR = Pattern.compile("true|false|null|-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final int MAX_DEPTH = 64;
    private static final int MAX_SMALL = 256; // keys and the sandbox id

    private final Reader in;
    private final CappedText.Budget budget;
    private int next = -2; // the character peeked, -1 at the end, -2 none yet

    private String sandboxId = "";
    private final CappedText stdout;
    private final CappedText stderr;
    private CappedText errorName;
    private CappedText errorValue;
    private CappedText traceback;
    private final List<CappedText> texts = new ArrayList<>();
    private final List<SandboxRun.Image> images = new ArrayList<>();
    private int imagesLeftOut;
    private boolean raised;
    private boolean cellShaped;

    SandboxAnswer(Reader in, long maxChars) {
        this.in = in;
        this.budget = new CappedText.Budget(maxChars);
        this.stdout = new CappedText(budget);
        this.stderr = new CappedText(budget);
    }

    SandboxRun run() throws IOException, Malformed {
        skipSpace();
        expect('{');
        object(0, this::field);
        skipSpace();
        if (peek() != -1) throw new Malformed("the sandbox answer had more after its JSON object");
        if (!cellShaped) throw new Malformed("the sandbox answer was not a cell's output");
        SandboxRun.RuntimeError error = !raised ? null
                : new SandboxRun.RuntimeError(orEmpty(errorName, "Error"), orEmpty(errorValue, ""), plain(orEmpty(traceback, "")));
        List<String> resultTexts = texts.stream().map(CappedText::text).toList();
        return new SandboxRun(error == null ? SandboxRun.Outcome.OK : SandboxRun.Outcome.RUNTIME_ERROR, sandboxId,
                stdout.text(), plain(stderr.text()), error, resultTexts, images, "", imagesLeftOut);
    }

    private static String orEmpty(CappedText text, String fallback) {
        return text == null ? fallback : text.text();
    }

    /** The text without terminal escapes. */
    static String plain(String text) {
        return text.indexOf('\u001B') < 0 ? text : ANSI.matcher(text).replaceAll("");
    }

    private interface FieldReader {
        void read(String key, int depth) throws IOException, Malformed;
    }

    private void field(String key, int depth) throws IOException, Malformed {
        switch (key) {
            case "sbxId" -> sandboxId = small(depth);
            case "stdout" -> {
                cellShaped = true;
                chunks(stdout, depth);
            }
            case "stderr" -> chunks(stderr, depth);
            case "runtimeError" -> {
                cellShaped = true;
                if (peek() != '{') {
                    value(depth, null);
                    return;
                }
                raised = true;
                expect('{');
                object(depth + 1, (k, d) -> value(d, switch (k) {
                    case "name" -> errorName = new CappedText(budget);
                    case "value" -> errorValue = new CappedText(budget);
                    case "traceback" -> traceback = new CappedText(budget);
                    default -> null;
                }));
            }
            case "cellResults" -> {
                cellShaped = true;
                if (peek() != '[') {
                    value(depth, null);
                    return;
                }
                expect('[');
                array(depth + 1, this::result);
            }
            default -> value(depth, null);
        }
    }

    /** One of {@code cellResults}: its text, and a PNG or JPEG kept only if it fits whole. */
    private void result(int depth) throws IOException, Malformed {
        if (peek() != '{') {
            value(depth, null);
            return;
        }
        expect('{');
        object(depth + 1, (k, d) -> {
            switch (k) {
                case "text" -> {
                    CappedText text = new CappedText(budget);
                    value(d, text);
                    texts.add(text);
                }
                case "png", "jpeg" -> {
                    CappedText image = new CappedText(budget);
                    value(d, image);
                    if (image.complete()) {
                        images.add(new SandboxRun.Image("image/" + k, image.raw()));
                    } else {
                        image.drop();
                        imagesLeftOut++;
                    }
                }
                default -> value(d, null);
            }
        });
    }

    /** An array of strings (the route's chunks), or one string, into {@code into}. */
    private void chunks(CappedText into, int depth) throws IOException, Malformed {
        if (peek() != '[') {
            value(depth, into);
            return;
        }
        expect('[');
        array(depth + 1, d -> value(d, into));
    }

    private String small(int depth) throws IOException, Malformed {
        CappedText text = new CappedText(new CappedText.Budget(MAX_SMALL));
        value(depth, text);
        return text.raw();
    }

    /** Any JSON value; a string's characters go {@code into} (null: skipped), other values are skipped. */
    private void value(int depth, CappedText into) throws IOException, Malformed {
        if (depth > MAX_DEPTH) throw new Malformed("the sandbox answer was nested too deeply");
        skipSpace();
        int c = peek();
        switch (c) {
            case '"' -> string(into);
            case '{' -> {
                expect('{');
                object(depth + 1, (k, d) -> value(d, null));
            }
            case '[' -> {
                expect('[');
                array(depth + 1, d -> value(d, null));
            }
            case -1 -> throw new Malformed("the sandbox answer ended early");
            default -> scalar();
        }
    }

    /** A number, true, false or null: checked, not kept. */
    private void scalar() throws IOException, Malformed {
        StringBuilder token = new StringBuilder();
        for (int c = peek(); c != -1 && c != ',' && c != '}' && c != ']' && !Character.isWhitespace(c); c = peek()) {
            if (token.length() > MAX_SMALL) throw new Malformed("the sandbox answer was not JSON");
            token.append((char) take());
        }
        if (!SCALAR.matcher(token).matches()) throw new Malformed("the sandbox answer was not JSON");
    }

    /** The members of an object whose '{' was read, each handed to {@code field}. */
    private void object(int depth, FieldReader field) throws IOException, Malformed {
        skipSpace();
        if (peek() == '}') {
            take();
            return;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') throw new Malformed("the sandbox answer was not JSON");
            String key = small(depth);
            skipSpace();
            expect(':');
            skipSpace();
            field.read(key, depth);
            skipSpace();
            int c = take();
            if (c == '}') return;
            if (c != ',') throw new Malformed("the sandbox answer was not JSON");
        }
    }

    private interface ElementReader {
        void read(int depth) throws IOException, Malformed;
    }

    /** The elements of an array whose '[' was read. */
    private void array(int depth, ElementReader element) throws IOException, Malformed {
        skipSpace();
        if (peek() == ']') {
            take();
            return;
        }
        while (true) {
            skipSpace();
            element.read(depth);
            skipSpace();
            int c = take();
            if (c == ']') return;
            if (c != ',') throw new Malformed("the sandbox answer was not JSON");
        }
    }

    private void string(CappedText into) throws IOException, Malformed {
        expect('"');
        while (true) {
            int c = take();
            if (c == -1) throw new Malformed("the sandbox answer ended early");
            if (c == '"') return;
            if (c == '\\') c = escape();
            if (into != null) into.append((char) c);
        }
    }

    private int escape() throws IOException, Malformed {
        int c = take();
        return switch (c) {
            case '"', '\\', '/' -> c;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> {
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    int digit = Character.digit(take(), 16);
                    if (digit < 0) throw new Malformed("the sandbox answer was not JSON");
                    code = code * 16 + digit;
                }
                yield code;
            }
            default -> throw new Malformed("the sandbox answer was not JSON");
        };
    }

    private void expect(char c) throws IOException, Malformed {
        if (take() != c) throw new Malformed("the sandbox answer was not JSON");
    }

    private void skipSpace() throws IOException {
        while (peek() == ' ' || peek() == '\n' || peek() == '\r' || peek() == '\t') take();
    }

    private int peek() throws IOException {
        if (next == -2) next = in.read();
        return next;
    }

    private int take() throws IOException {
        int c = peek();
        next = -2;
        return c;
    }
}
