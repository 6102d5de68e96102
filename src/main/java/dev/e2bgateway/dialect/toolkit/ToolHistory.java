package dev.e2bgateway.dialect.toolkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.ChatRequest.Message;
import dev.e2bgateway.core.ChatRequest.Part;
import dev.e2bgateway.core.ChatRequest.Role;
import dev.e2bgateway.core.ChatRequest.Text;
import dev.e2bgateway.tools.ToolTranscript;
import dev.e2bgateway.tools.ToolTranscript.Call;
import dev.e2bgateway.tools.ToolTranscript.Result;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A conversation as a door reads it, in the core's terms: user and assistant messages, the
 * assistant's earlier calls written back in the call format, and their results as one user message
 * with a {@code <tool_results>} block in the calls' order (docs/tool-calls.md).
 *
 * <p>A door feeds it its messages, calls and results in the client's order. An assistant's text
 * and the calls that follow it are one assistant message; text after calls starts another. The
 * results that follow are one user message. A result is paired with its call by id; one without
 * an id (Gemini's {@code functionResponse} may carry none, OpenAI's deprecated
 * {@code function_call} has none) answers the latest turn's first call not yet answered (of that
 * tool, when the result names one), whose id and name it takes.
 *
 * <p>One per request read; not shared between threads.
 */
public final class ToolHistory {

    private final ToolTranscript transcript;
    private final List<Message> messages = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final List<Part> assistantText = new ArrayList<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<Result> results = new ArrayList<>();
    /** The latest assistant turn's calls, which the results that follow answer. */
    private List<Call> latest = List.of();
    /** Which of {@link #latest} have a result, by position. */
    private final Set<Integer> answered = new HashSet<>();

    public ToolHistory(ObjectMapper json) {
        this.transcript = new ToolTranscript(json);
    }

    /** A user message: closes the assistant turn and the results before it. */
    public void user(List<Part> parts) {
        close();
        messages.add(new Message(Role.USER, List.copyOf(parts)));
    }

    /**
     * A user message that carries results and more (Anthropic's {@code tool_result} blocks, Gemini's
     * {@code functionResponse} parts beside text): the results pending come first in it, then
     * {@code parts}.
     */
    public void userAfterResults(List<Part> parts) {
        closeAssistant();
        if (results.isEmpty()) {
            messages.add(new Message(Role.USER, List.copyOf(parts)));
            return;
        }
        List<Part> all = new ArrayList<>(parts.size() + 1);
        all.add(new Text(resultsBlock()));
        all.addAll(parts);
        messages.add(new Message(Role.USER, all));
    }

    /** The assistant's text (or other parts); after calls of the same turn, it starts a new turn. Nothing: no change. */
    public void assistant(List<Part> parts) {
        if (parts.isEmpty()) return; // nothing said: the turn goes on
        closeResults();
        if (!calls.isEmpty()) closeAssistant();
        assistantText.addAll(parts);
    }

    /** A call the assistant made; {@code id} may be null or empty when the client has none. */
    public void call(String id, String name, String arguments) {
        closeResults();
        calls.add(new Call(id, name, arguments));
    }

    /**
     * A result: of the call {@code callId}, or, when it is null or empty, of the latest turn's
     * first call not yet answered ({@code name}'s, when given).
     *
     * @param name the tool's name, or null when the client did not say (it is taken from the call)
     */
    public void result(String callId, String name, String content, boolean error) {
        closeAssistant();
        int call = pair(callId, name);
        if (call >= 0) {
            answered.add(call);
            Call paired = latest.get(call);
            if (callId == null || callId.isEmpty()) callId = paired.id() == null ? "" : paired.id();
            if (name == null) name = paired.name();
        }
        if (name == null && callId != null) name = names.get(callId);
        results.add(new Result(callId == null ? "" : callId, name, content, error));
    }

    /** Ends the assistant's turn: the next assistant text is a message of its own. */
    public void endTurn() {
        closeAssistant();
    }

    /** A message the door made itself (a code interpreter cell and its output). */
    public void add(Message message) {
        close();
        messages.add(message);
    }

    /** The conversation read so far, every pending turn closed. */
    public List<Message> messages() {
        close();
        return messages;
    }

    private int pair(String callId, String name) {
        if (callId != null && !callId.isEmpty()) {
            for (int i = 0; i < latest.size(); i++) {
                if (callId.equals(latest.get(i).id())) return i;
            }
            return -1;
        }
        for (int i = 0; i < latest.size(); i++) {
            if (!answered.contains(i) && (name == null || name.equals(latest.get(i).name()))) return i;
        }
        return -1;
    }

    private void close() {
        closeAssistant();
        closeResults();
    }

    private void closeAssistant() {
        if (calls.isEmpty()) {
            if (!assistantText.isEmpty()) messages.add(new Message(Role.ASSISTANT, List.copyOf(assistantText)));
        } else {
            latest = List.copyOf(calls);
            answered.clear();
            for (Call call : calls) {
                if (call.id() != null && !call.id().isEmpty()) names.put(call.id(), call.name());
            }
            // Earlier calls go back in the call format, so the model sees what it did.
            messages.add(new Message(Role.ASSISTANT, List.of(new Text(transcript.assistant(ChatRequest.textOf(assistantText), latest)))));
        }
        assistantText.clear();
        calls.clear();
    }

    private void closeResults() {
        if (results.isEmpty()) return;
        messages.add(new Message(Role.USER, List.of(new Text(resultsBlock()))));
    }

    private String resultsBlock() {
        String block = transcript.results(results, latest);
        results.clear();
        return block;
    }
}
