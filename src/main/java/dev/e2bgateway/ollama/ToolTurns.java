package dev.e2bgateway.ollama;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest.Message;
import dev.e2bgateway.core.ChatRequest.Role;
import dev.e2bgateway.core.ChatRequest.Text;
import dev.e2bgateway.tools.CallHistory;
import dev.e2bgateway.tools.ToolTranscript;

import java.util.ArrayList;
import java.util.List;

/**
 * The conversation of an Ollama chat as it is read, with its tool turns paired. Ollama's calls
 * carry no ids, and a {@code tool} message names only its tool ({@code tool_name}), so each call
 * of an assistant turn gets an id by its place in the conversation ({@code call_1}, {@code call_2},
 * ... the same on every request of the conversation), and each result goes to the first call of
 * that turn not yet answered with its tool's name, else to the first one not yet answered at all.
 * A {@code tool_call_id}, where a client sends one, is taken as it is. Consecutive tool messages
 * go upstream as one block of results in their calls' order, as the other doors send them.
 */
final class ToolTurns {

    /** A call of an assistant turn, as read: its id (null when the client gave none), tool name, arguments as JSON text. */
    record Call(String id, String name, String arguments) {}

    private final ToolTranscript transcript;
    private final CallHistory history = new CallHistory();
    private final List<Message> conversation = new ArrayList<>();
    private final List<ToolTranscript.Call> latest = new ArrayList<>();
    private final List<Boolean> answered = new ArrayList<>();
    private final List<ToolTranscript.Result> results = new ArrayList<>();
    private int calls;

    ToolTurns(ObjectMapper json) {
        this.transcript = new ToolTranscript(json);
    }

    void add(Message message) {
        endResults();
        conversation.add(message);
    }

    /** An assistant turn: its text, and its calls written back in the call format so the model sees what it did. */
    void assistant(String text, List<Call> turnCalls) {
        endResults();
        latest.clear();
        answered.clear();
        for (Call call : turnCalls) {
            calls++;
            latest.add(new ToolTranscript.Call(call.id() != null ? call.id() : "call_" + calls, call.name(), call.arguments()));
            answered.add(false);
        }
        history.made(latest);
        if (latest.isEmpty()) {
            if (!text.isEmpty()) conversation.add(new Message(Role.ASSISTANT, List.of(new Text(text))));
        } else {
            conversation.add(new Message(Role.ASSISTANT, List.of(new Text(transcript.assistant(text, latest)))));
        }
    }

    /** A {@code tool} message: paired with a call of the latest turn by id, else by tool name and order. */
    void result(String toolName, String callId, String content) {
        int at = callId == null || callId.isEmpty() ? unanswered(toolName) : indexOf(callId);
        String id = callId;
        if (at >= 0) {
            answered.set(at, true);
            id = latest.get(at).id();
        }
        String name = toolName != null ? toolName : id == null ? null : history.name(id);
        results.add(new ToolTranscript.Result(id == null ? "" : id, name, content, false));
    }

    /** The results read since the last other message go upstream as one user message. */
    void endResults() {
        if (results.isEmpty()) return;
        conversation.add(new Message(Role.USER, List.of(new Text(history.results(transcript, results)))));
        results.clear();
    }

    List<Message> conversation() {
        endResults();
        return conversation;
    }

    private int unanswered(String toolName) {
        int any = -1;
        for (int i = 0; i < latest.size(); i++) {
            if (answered.get(i)) continue;
            if (latest.get(i).name().equals(toolName)) return i;
            if (any < 0) any = i;
        }
        return any;
    }

    private int indexOf(String callId) {
        for (int i = 0; i < latest.size(); i++) if (callId.equals(latest.get(i).id())) return i;
        return -1;
    }
}
