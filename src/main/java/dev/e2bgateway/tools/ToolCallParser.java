package dev.e2bgateway.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.tools.CallArguments.Outcome;
import dev.e2bgateway.tools.CallArguments.Written;
import dev.e2bgateway.tools.Tags.Match;
import dev.e2bgateway.tools.Tags.Opener;
import dev.e2bgateway.tools.Tags.StartTag;
import dev.e2bgateway.tools.ToolCallEvent.CallCompleted;
import dev.e2bgateway.tools.ToolCallEvent.CallStarted;
import dev.e2bgateway.tools.ToolCallEvent.Dropped;
import dev.e2bgateway.tools.ToolCallEvent.Reason;
import dev.e2bgateway.tools.ToolCallEvent.Rejected;
import dev.e2bgateway.tools.ToolCallEvent.Text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads the model's reply text as it streams and turns the calls written in it
 * (docs/tool-calls.md) into {@link ToolCallEvent}s: visible text, calls, and
 * would-be calls shown as text. Pure and incremental: {@link #feed} the decoded reply in
 * pieces of any size, then {@link #finish}; events go to the consumer in reply order.
 * One parser per reply; not thread-safe.
 *
 * <p><b>Events.</b> {@link Text} is forwarded as soon as it cannot be the start of a call
 * block: only a possible {@code <tool_calls>}, {@code <invoke name="...">} or code fence
 * followed by one is held back, so {@code a < b} or {@code <div>} flows on at once. A valid
 * call yields {@link CallStarted} then {@link CallCompleted} (with the whole arguments
 * object) when its {@code </invoke>} is read; arguments are not streamed in pieces because
 * a call can still turn out invalid at its last parameter, and an announced call cannot be
 * taken back. A would-be call that cannot become a valid call to an offered tool is a
 * {@link Rejected}: shown as the text the model wrote, with a reason for metrics. Model
 * output that is not shown is reported once, by {@link #finish}, as {@link Dropped}.
 *
 * <p><b>Rules and choices.</b>
 * <ul>
 * <li>No tools offered, or tool choice none: a pass-through; every piece is one
 *     {@link Text}, the very string fed, unscanned. With tools offered, a piece without
 *     {@code <} or backtick costs one scan and no copy.</li>
 * <li>Forgiving where intent is clear: a block inside a code fence, {@code <invoke>}
 *     without the {@code <tool_calls>} wrapper, a block left unclosed at the end of the
 *     reply ({@link #finish} keeps every invoke closed by {@code </invoke>}; a half-written
 *     one is {@link Reason#UNCLOSED}), and a custom tool's input written straight inside
 *     {@code <invoke>} without a {@code <parameter>}.</li>
 * <li>A block without the wrapper ends at the first text that is not another
 *     {@code <invoke>}. A {@code <tool_calls>} followed by ordinary text before any
 *     {@code <invoke>} was prose that mentions the tag: it is plain text.</li>
 * <li>Text after a block that made calls is dropped, as the contract says (it is usually
 *     a made-up result), including any later block. A block that made no call is shown
 *     as text and reading goes on, so a later block can still make calls.</li>
 * <li>Invalid invokes in a block that made other calls are each shown as text after
 *     those calls; in a block that made none, the whole block is one {@link Rejected}.</li>
 * <li>Parallel calls not allowed and the model made several: the first valid call is
 *     kept, later invokes are shown as text ({@link Reason#PARALLEL_NOT_ALLOWED}). Keeping
 *     the first follows the model's own order; showing the rest keeps them visible.</li>
 * <li>A bare JSON object ({@code {"name": ..., "arguments": ...}}) is text. Replies hold
 *     JSON all the time (examples, answers about APIs); guessing would turn answers into
 *     calls and force holding back every opening brace. The prompt asks for the tagged
 *     format only.</li>
 * <li>Narrating a call without writing one is text; whether a reply that had to call a
 *     tool did so is the caller's to check ({@link #callCount()}).</li>
 * </ul>
 */
public final class ToolCallParser {

    private enum State { PASS_THROUGH, TEXT, BLOCK, INVOKE, VALUE, RAW_VALUE, SKIP_INVOKE, AFTER_BLOCK, FINISHED }

    /** An invoke that did not become a call: where it is in the block, and why. */
    private record Refusal(int start, int end, Reason reason, String detail) {
    }

    private final Map<String, Tool> tools;
    private final boolean parallel;
    private final CallArguments arguments;
    private final Consumer<ToolCallEvent> events;

    /**
     * Text read but not yet emitted: in {@code TEXT}, from a possible opener on; in a
     * block, the whole block so far (it is shown as text if it makes no call).
     */
    private final StringBuilder held = new StringBuilder();
    private State state;
    /** Where reading goes on in {@link #held}. */
    private int pos;
    /** Where the search for a closing tag goes on, so long values are scanned once. */
    private int scanFrom;
    private int calls;

    private boolean wrapped;
    private boolean fenced;
    private int invokes;
    private final List<Refusal> refusals = new ArrayList<>();
    private final StringBuilder strays = new StringBuilder();

    private int invokeStart;
    private int bodyStart;
    private String invokeName;
    private String parameterName;
    private int valueStart;
    private final List<Written> parameters = new ArrayList<>();
    private Reason problem;
    private String problemDetail;

    private final StringBuilder tail = new StringBuilder();

    /** In {@code BLOCK}: where the blank space after {@link #pos} has been skipped to, so a long run is scanned once. */
    private int spaceFrom;
    /** Characters looked at while searching for openers and skipping blank space: the parser's work, for tests. */
    private long scanned;

    /**
     * @param tools  the tools the client sent
     * @param choice which of them the model may call; {@link ToolChoice#offered} decides
     *               which calls are valid
     * @param json   the gateway's mapper, used to parse JSON values and write arguments
     * @param events receives every event, in reply order, during {@link #feed} and
     *               {@link #finish}
     */
    public ToolCallParser(List<Tool> tools, ToolChoice choice, ObjectMapper json, Consumer<ToolCallEvent> events) {
        Map<String, Tool> offered = new HashMap<>();
        for (Tool tool : choice.offered(tools)) {
            offered.putIfAbsent(tool.name(), tool);
        }
        this.tools = Map.copyOf(offered);
        this.parallel = choice.parallel();
        this.arguments = new CallArguments(json);
        this.events = Objects.requireNonNull(events, "events");
        this.state = offered.isEmpty() ? State.PASS_THROUGH : State.TEXT;
    }

    /** Reads the next piece of the reply text. */
    public void feed(String piece) {
        switch (state) {
            case PASS_THROUGH -> emit(piece);
            case AFTER_BLOCK -> tail.append(piece);
            case FINISHED -> throw new IllegalStateException("the reply is already finished");
            case TEXT -> {
                if (held.length() == 0) {
                    feedText(piece);
                } else {
                    held.append(piece);
                    drain();
                }
            }
            default -> {
                held.append(piece);
                drain();
            }
        }
    }

    /**
     * Ends the reply: text held back is released, a block left open is closed (its closed
     * invokes still count), and anything dropped is reported. Calling it again does nothing.
     */
    public void finish() {
        if (state == State.FINISHED) {
            return;
        }
        while (state != State.TEXT && state != State.PASS_THROUGH && state != State.AFTER_BLOCK) {
            closeAtEnd();
            drain();
        }
        if (state == State.TEXT) {
            emitHeld(held.length());
        }
        reportDropped();
        state = State.FINISHED;
    }

    /** How many calls the reply has made so far. */
    public int callCount() {
        return calls;
    }

    /** Characters looked at so far while searching for openers and skipping blank space (for tests of the parser's cost). */
    long scanned() {
        return scanned;
    }

    /** How much text is held back now. */
    int heldBack() {
        return held.length();
    }

    private void feedText(String piece) {
        int special = firstSpecial(piece);
        if (special < 0) {
            emit(piece);
            return;
        }
        if (special > 0) {
            emit(piece.substring(0, special));
        }
        held.append(piece, special, piece.length());
        drain();
    }

    private void drain() {
        boolean progress = true;
        while (progress) {
            progress = switch (state) {
                case TEXT -> text();
                case BLOCK -> block();
                case INVOKE -> invoke();
                case VALUE -> value();
                case RAW_VALUE -> rawValue();
                case SKIP_INVOKE -> skipInvoke();
                case PASS_THROUGH, AFTER_BLOCK, FINISHED -> false;
            };
        }
    }

    /** Emits text up to the first possible opener; enters a block at a certain one. */
    private boolean text() {
        int n = held.length();
        scanned += n;
        for (int i = 0; i < n; i++) {
            char c = held.charAt(i);
            if (c != '<' && c != '`') {
                continue;
            }
            scanned += n - i; // at most what an opener looks at
            Opener opener = Tags.opener(held, i);
            if (opener.match() == Match.NONE) {
                continue;
            }
            emitHeld(i);
            if (opener.match() == Match.PARTIAL) {
                return false;
            }
            startBlock(opener.bodyStart() - i, opener.wrapped(), opener.fenced());
            return true;
        }
        emitHeld(n);
        return false;
    }

    private void startBlock(int bodyStart, boolean wrapped, boolean fenced) {
        state = State.BLOCK;
        pos = bodyStart;
        spaceFrom = 0;
        this.wrapped = wrapped;
        this.fenced = fenced;
        invokes = 0;
        refusals.clear();
        strays.setLength(0);
    }

    /**
     * Between invokes: the next invoke, the block's end, or text that ends the block.
     * {@link #pos} moves only when something is consumed, so where the pieces were cut
     * never changes what the block holds.
     */
    private boolean block() {
        int from = Math.max(pos, spaceFrom); // held[pos, spaceFrom) is known to be blank
        int at = Tags.skipSpace(held, from);
        scanned += at - from + 1;
        if (at >= held.length()) {
            spaceFrom = at;
            return false;
        }
        char c = held.charAt(at);
        if (c == '<') {
            int close = Tags.literal(held, at, Tags.TOOL_CALLS_END);
            if (close >= 0) {
                endBlock(close, true);
                return true;
            }
            StartTag invoke = Tags.startTag(held, at, Tags.INVOKE);
            if (invoke.full()) {
                pos = at;
                beginInvoke(invoke);
                return true;
            }
            if (close == Tags.PARTIAL || invoke.partial()) {
                return false;
            }
        } else if (c == '`' && fenced) {
            int fence = Tags.literal(held, at, Tags.FENCE);
            if (fence >= 0) {
                endBlock(at, false); // the closing fence is not part of the block
                return true;
            }
            if (fence == Tags.PARTIAL) {
                return false;
            }
        }
        if (!wrapped) {
            endBlock(at, false);
        } else if (invokes == 0) {
            // "<tool_calls>" then prose: the tag was mentioned, not used.
            emitHeld(at);
            state = State.TEXT;
        } else {
            strays.append(held, pos, at + 1);
            pos = at + 1;
        }
        return true;
    }

    private void beginInvoke(StartTag tag) {
        invokes++;
        invokeStart = pos;
        bodyStart = tag.end();
        invokeName = tag.name();
        parameters.clear();
        problem = null;
        pos = tag.end();
        state = State.INVOKE;
        if (invokeName == null) {
            malformed("<invoke> without a name");
        }
    }

    /** Inside an invoke: the next parameter, or its end. */
    private boolean invoke() {
        pos = Tags.skipSpace(held, pos);
        if (pos >= held.length()) {
            return false;
        }
        if (held.charAt(pos) == '<') {
            int end = Tags.literal(held, pos, Tags.INVOKE_END);
            if (end >= 0) {
                completeInvoke(end);
                return true;
            }
            StartTag parameter = Tags.startTag(held, pos, Tags.PARAMETER);
            if (parameter.full() && parameter.name() != null) {
                parameterName = parameter.name();
                valueStart = parameter.end();
                pos = valueStart;
                scanFrom = pos;
                state = State.VALUE;
                return true;
            }
            if (end == Tags.PARTIAL || parameter.partial()) {
                return false;
            }
        }
        Tool tool = tools.get(invokeName);
        if (parameters.isEmpty() && tool != null && tool.kind() == Tool.Kind.CUSTOM) {
            scanFrom = pos; // the model wrote a custom tool's input without <parameter>
            state = State.RAW_VALUE;
        } else {
            malformed("text outside <parameter> in <invoke name=\"" + invokeName + "\">");
        }
        return true;
    }

    private boolean value() {
        int end = find(Tags.PARAMETER_END);
        if (end < 0) {
            return false;
        }
        parameters.add(new Written(parameterName, CallArguments.value(held, valueStart, end)));
        pos = end + Tags.PARAMETER_END.length();
        state = State.INVOKE;
        return true;
    }

    private boolean rawValue() {
        int end = find(Tags.INVOKE_END);
        if (end < 0) {
            return false;
        }
        parameters.add(new Written(Tool.CUSTOM_INPUT, CallArguments.value(held, bodyStart, end)));
        completeInvoke(end + Tags.INVOKE_END.length());
        return true;
    }

    private boolean skipInvoke() {
        int end = find(Tags.INVOKE_END);
        if (end < 0) {
            return false;
        }
        completeInvoke(end + Tags.INVOKE_END.length());
        return true;
    }

    private void malformed(String detail) {
        problem = Reason.MALFORMED;
        problemDetail = detail;
        scanFrom = pos;
        state = State.SKIP_INVOKE;
    }

    private void completeInvoke(int end) {
        Outcome outcome = problem != null
                ? Outcome.rejected(problem, problemDetail)
                : arguments.build(invokeName, tools.get(invokeName), parameters);
        if (outcome.isOk() && !parallel && calls > 0) {
            outcome = Outcome.rejected(Reason.PARALLEL_NOT_ALLOWED,
                    "one call per reply: \"" + invokeName + "\" came after the first");
        }
        if (outcome.isOk()) {
            events.accept(new CallStarted(calls, invokeName));
            events.accept(new CallCompleted(calls, invokeName, outcome.json()));
            calls++;
        } else {
            refusals.add(new Refusal(invokeStart, end, outcome.reason(), outcome.detail()));
        }
        pos = end;
        state = State.BLOCK;
    }

    /** The block is {@code held[0, end)}; what follows it is still to be read. */
    private void endBlock(int end, boolean closed) {
        if (calls == 0) {
            Reason reason;
            String detail;
            if (refusals.isEmpty()) {
                reason = closed ? Reason.EMPTY_BLOCK : Reason.UNCLOSED;
                detail = closed ? "<tool_calls> without <invoke>" : "the reply ended inside <tool_calls>";
            } else {
                Refusal first = refusals.get(0);
                reason = first.reason();
                detail = refusals.size() == 1 ? first.detail() : first.detail() + " (and " + (refusals.size() - 1) + " more)";
            }
            events.accept(new Rejected(held.substring(0, end), reason, detail));
            held.delete(0, end);
            state = State.TEXT;
        } else {
            for (Refusal r : refusals) {
                events.accept(new Rejected(held.substring(r.start(), r.end()), r.reason(), r.detail()));
            }
            // docs/tool-calls.md: text after </tool_calls> is not shown; it is reported as Dropped (and counted).
            tail.append(held, end, held.length());
            held.setLength(0);
            state = State.AFTER_BLOCK;
        }
    }

    /** The reply ended inside a block. */
    private void closeAtEnd() {
        int n = held.length();
        if (state == State.BLOCK) {
            int at = Tags.skipSpace(held, pos);
            if (at < n && Tags.startTag(held, at, Tags.INVOKE).partial()) {
                invokes++;
                refusals.add(new Refusal(at, n, Reason.UNCLOSED, "the reply ended inside an <invoke> tag"));
                endBlock(n, false);
            } else {
                endBlock(pos, false);
            }
        } else {
            refusals.add(new Refusal(invokeStart, n, Reason.UNCLOSED,
                    "the reply ended inside <invoke name=\"" + invokeName + "\">"));
            endBlock(n, false);
        }
    }

    private void reportDropped() {
        StringBuilder dropped = new StringBuilder(strays);
        int from = 0;
        if (fenced) {
            int fence = Tags.literal(tail, Tags.skipSpace(tail, 0), Tags.FENCE);
            from = fence >= 0 ? fence : 0; // the fence closing the block is part of it
        }
        dropped.append(tail, from, tail.length());
        if (!dropped.toString().isBlank()) {
            events.accept(new Dropped(dropped.toString()));
        }
    }

    private int find(String closing) {
        int at = held.indexOf(closing, scanFrom);
        if (at < 0) {
            scanFrom = Math.max(scanFrom, held.length() - closing.length() + 1);
        }
        return at;
    }

    private void emitHeld(int end) {
        if (end > 0) {
            events.accept(new Text(held.substring(0, end)));
            held.delete(0, end);
        }
    }

    private void emit(String text) {
        if (!text.isEmpty()) {
            events.accept(new Text(text));
        }
    }

    /** The first character that may begin a block opener, or -1. */
    private static int firstSpecial(String piece) {
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            if (c == '<' || c == '`') {
                return i;
            }
        }
        return -1;
    }
}
