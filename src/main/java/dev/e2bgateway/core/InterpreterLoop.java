package dev.e2bgateway.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.error.LogSafe;
import dev.e2bgateway.tools.PythonTool;
import dev.e2bgateway.tools.Tool;
import dev.e2bgateway.tools.ToolChoice;
import dev.e2bgateway.tools.ToolTranscript;
import dev.e2bgateway.upstream.SandboxRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The built-in code interpreter around the one-round chat: the model is offered {@code python}
 * besides the client's tools; each reply that calls it has its cells run on the same route's
 * {@code /api/sandbox} (docs/upstream.md), their output written back as tool results,
 * and the model asked again, until a reply calls no code (or {@value #MAX_ROUNDS} rounds ran code).
 * The client sees the text of every round, and each cell as its dialect's built-in items
 * ({@link ReplySink#codeStarted}, {@link ReplySink#codeDone}); never a {@code python} call.
 * Calls of the client's own functions end the turn as usual, after the cells of their reply ran.
 */
public final class InterpreterLoop {

    private static final Logger log = LoggerFactory.getLogger(InterpreterLoop.class);

    /** Replies whose code is run in one turn; a reply after that which still calls code ends the turn with a note. */
    public static final int MAX_ROUNDS = 8;
    /** Sent as {@code userID}: the deployment's E2B dashboard shows where its sandboxes came from. */
    private static final String USER_ID = "e2b-gateway";

    private final ChatService chat;
    private final Supplier<RouteTable> routes; // the table of the moment: a reload may replace it
    private final UpstreamEvents events;
    private final ToolTranscript transcript;
    private final ObjectMapper json;
    private final Config.Interpreter budget;

    /** @param budget the cells and output one turn may spend (docs/code-interpreter.md, "Budgets") */
    public InterpreterLoop(ChatService chat, Supplier<RouteTable> routes, UpstreamEvents events, ObjectMapper json,
                           Config.Interpreter budget) {
        this.chat = chat;
        this.budget = budget;
        this.routes = routes;
        this.events = events;
        this.transcript = new ToolTranscript(json);
        this.json = json;
    }

    /**
     * Runs one turn with the code interpreter into {@code sink}: as {@link ChatService#complete},
     * with the cells' events between the model's rounds.
     */
    public void complete(ChatRequest request, ChatTrace trace, Cancellation cancellation, ReplySink sink) throws IOException {
        String name = PythonTool.nameBeside(request.tools().tools());
        List<ChatRequest.Message> messages = new ArrayList<>(request.messages());
        Finish.Usage usage = sink.wantsUsage() ? new Finish.Usage(0, 0) : null;
        Spent spent = new Spent();
        for (int round = 1; ; round++) {
            Round reply = new Round(sink, name);
            chat.complete(round(request, messages, name, round), trace, cancellation, reply);
            usage = add(usage, reply.finish.usage());
            if (reply.codes.isEmpty()) {
                reply.passCalls();
                sink.finish(new Finish(reply.finish.reason(), reply.finish.stopSequence(), usage));
                return;
            }
            if (round > MAX_ROUNDS || spent.refused) {
                // Past a limit the model was already told of, more code ends the turn rather than ask again.
                String note = spent.refused ? "The code interpreter's budget of code cells was spent"
                        : "The code interpreter's limit of " + MAX_ROUNDS + " rounds of code per turn was reached";
                log.info("{} the model still called the code interpreter: {}; the turn ends", trace.requestId(), note);
                sink.text((reply.text.isEmpty() ? "" : "\n\n") + "[" + note + ", so the model's last code was not run. Ask again to continue.]");
                reply.passCalls();
                sink.finish(new Finish(reply.calls.isEmpty() ? Finish.Reason.END : Finish.Reason.TOOL_CALLS, null, usage));
                return;
            }
            Route route = routeOf(trace);
            List<ToolTranscript.Call> calls = new ArrayList<>();
            List<ToolTranscript.Result> results = new ArrayList<>();
            for (int i = 0; i < reply.codes.size(); i++) {
                String code = reply.codes.get(i);
                sink.codeStarted(code);
                CodeRun run = spent.cells >= budget.cellsPerTurn()
                        ? notRun(code, "this turn already ran its limit of " + budget.cellsPerTurn() + " code cells")
                        : !trace.takeSandboxRun() ? notRun(code, "the API key's daily budget of sandbox runs is spent")
                        : run(route, code, spent, trace, cancellation);
                spent.cells++;
                spent.refused |= run.status() == CodeRun.Status.NOT_RUN;
                spent.chars += run.size();
                sink.codeDone(run);
                String cellId = "cell_" + round + "_" + (i + 1);
                calls.add(new ToolTranscript.Call(cellId, name, json.createObjectNode().put(PythonTool.CODE, code).toString()));
                results.add(new ToolTranscript.Result(cellId, name, CellText.forModel(run), run.failed()));
            }
            boolean cut = reply.finish.reason() == Finish.Reason.LENGTH || reply.finish.reason() == Finish.Reason.STOP_SEQUENCE;
            if (!reply.calls.isEmpty() || cut) {
                reply.passCalls(); // the client's own calls end the turn; the cells' output is already in the reply
                sink.finish(new Finish(cut ? reply.finish.reason() : Finish.Reason.TOOL_CALLS, reply.finish.stopSequence(), usage));
                return;
            }
            messages.add(new ChatRequest.Message(ChatRequest.Role.ASSISTANT,
                    List.of(new ChatRequest.Text(transcript.assistant(reply.text.toString(), calls)))));
            messages.add(new ChatRequest.Message(ChatRequest.Role.USER, List.of(new ChatRequest.Text(transcript.results(results)))));
        }
    }

    /**
     * The request as the turn's first reply is asked it: the interpreter offered beside the
     * client's tools (and forced, when the client's choice forces it). What the counting endpoints
     * count, so that they agree with the turn's usage.
     */
    public static ChatRequest firstRound(ChatRequest request) {
        return round(request, request.messages(), PythonTool.nameBeside(request.tools().tools()), 1);
    }

    private static ChatRequest round(ChatRequest request, List<ChatRequest.Message> messages, String name, int round) {
        return new ChatRequest(request.requestedModel(), request.model(), request.system(), List.copyOf(messages),
                request.sampling(), request.maxTokens(), request.stop(), offer(request.tools(), name, round), request.format());
    }

    /**
     * The client's tools with the interpreter beside them. The client's choice holds for the
     * first reply; later ones may answer freely, or a forced call would never end the turn.
     */
    private static ToolUse offer(ToolUse client, String name, int round) {
        List<Tool> tools = new ArrayList<>(client.tools());
        tools.add(PythonTool.tool(name));
        ToolChoice choice = client.choice();
        if (round > 1 && choice.mode() != ToolChoice.Mode.NONE) choice = ToolChoice.auto().withParallel(choice.parallel());
        return new ToolUse(tools, choice);
    }

    /** The route the chat's last attempt went to: its own deployment runs the code, whatever its daily chat limit. */
    private Route routeOf(ChatTrace trace) {
        String name = trace.route();
        RouteTable table = routes.get();
        return table.all().stream().filter(r -> r.name().equals(name)).findFirst().orElse(table.first());
    }

    /** What one turn has spent so far: cells sent (or refused), characters of output kept. */
    private static final class Spent {
        int cells;
        long chars;
        boolean refused; // a cell was past the budget: the model was told
    }

    /** A cell past the turn's budget: never sent; the model and the client are told why. */
    private static CodeRun notRun(String code, String why) {
        return new CodeRun(code, CodeRun.Status.NOT_RUN, "", "", "", null, List.of(), List.of(),
                CodeRun.FAILURE + why + ", so this one was not run. Answer with what the earlier cells gave.");
    }

    private CodeRun run(Route route, String code, Spent spent, ChatTrace trace, Cancellation cancellation) {
        long start = System.nanoTime();
        // A cell keeps at most its own cap, and no more than the turn has left (at least a little, for its error).
        long maxChars = Math.max(1000, Math.min(budget.cellOutputChars(), budget.turnOutputChars() - spent.chars));
        SandboxRun run = route.sandbox() == null
                ? SandboxRun.failed(SandboxRun.Outcome.NETWORK, "the code interpreter is not set up on route " + route.name())
                : route.sandbox().run(code, USER_ID, maxChars, cancellation);
        if (run.outcome() == SandboxRun.Outcome.CANCELLED || cancellation.cancelled()) throw cancellation.outcome();
        events.sandboxRun(trace.key(), run.outcome().label);
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (run.ran()) {
            log.info("{} code cell ({} characters) ran on route {} in sandbox {} in {} ms: {}", trace.requestId(), code.length(),
                    route.name(), LogSafe.text(run.sandboxId()), millis, run.outcome().label);
        } else {
            log.warn("{} code cell ({} characters) could not run on route {} ({} ms): {}", trace.requestId(), code.length(),
                    route.name(), millis, run.detail());
        }
        CodeRun.Status status = switch (run.outcome()) {
            case OK -> CodeRun.Status.OK;
            case RUNTIME_ERROR -> CodeRun.Status.ERROR;
            case TIMEOUT -> CodeRun.Status.TIMED_OUT;
            default -> CodeRun.Status.FAILED;
        };
        SandboxRun.RuntimeError e = run.error();
        String stdout = run.imagesLeftOut() == 0 ? run.stdout()
                : run.stdout() + "[" + run.imagesLeftOut() + " image(s) left out: larger than what was left of the cell's output budget]\n";
        return new CodeRun(code, status, run.sandboxId(), stdout, run.stderr(),
                e == null ? null : new CodeRun.Error(e.name(), e.value(), e.traceback()), run.texts(),
                run.images().stream().map(i -> new CodeRun.Image(i.mediaType(), i.base64())).toList(),
                status == CodeRun.Status.FAILED || status == CodeRun.Status.TIMED_OUT ? CodeRun.FAILURE + run.detail() + "." : "");
    }

    private static Finish.Usage add(Finish.Usage sum, Finish.Usage round) {
        if (sum == null || round == null) return sum;
        return new Finish.Usage(sum.promptTokens() + round.promptTokens(), sum.completionTokens() + round.completionTokens());
    }

    /**
     * One model reply on its way to the client: text passes at once; calls of the interpreter are
     * kept to be run; the client's own calls are held until the cells before them ran, so the
     * turn ends with them; the finish is kept, since the turn may go on.
     */
    private final class Round implements ReplySink {
        final ReplySink client;
        final String name;
        final StringBuilder text = new StringBuilder();
        final List<String> codes = new ArrayList<>();
        final List<ToolCall> calls = new ArrayList<>();
        Finish finish;

        Round(ReplySink client, String name) {
            this.client = client;
            this.name = name;
        }

        @Override
        public void text(String delta) throws IOException {
            text.append(delta);
            client.text(delta);
        }

        @Override
        public void toolCall(ToolCall call) {
            if (call.name().equals(name)) codes.add(code(call.arguments()));
            else calls.add(call);
        }

        @Override
        public void finish(Finish finish) {
            this.finish = finish;
        }

        @Override
        public boolean wantsUsage() {
            return client.wantsUsage();
        }

        /** The client's calls, numbered from 0 as if the interpreter's had not been among them. */
        void passCalls() throws IOException {
            for (int i = 0; i < calls.size(); i++) {
                ToolCall c = calls.get(i);
                client.toolCall(new ToolCall(i, c.name(), c.arguments()));
            }
        }

        private String code(String arguments) {
            try {
                JsonNode code = json.readTree(arguments).get(PythonTool.CODE);
                return code == null ? "" : code.isTextual() ? code.asText() : code.toString();
            } catch (IOException e) {
                return "";
            }
        }
    }
}
