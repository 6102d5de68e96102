package dev.e2bgateway.tools;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the reader of one conversation remembers of its earlier tool calls: each call id's tool
 * name (a result often carries only the id), and the latest assistant turn's calls, whose order
 * the results answering them are written in ({@link ToolTranscript#results(List, List)}).
 * One per request read; not shared between threads.
 */
public final class CallHistory {

    private final Map<String, String> names = new HashMap<>();
    private List<ToolTranscript.Call> latest = List.of();

    /** An assistant turn made {@code calls}: they become the latest. */
    public void made(List<ToolTranscript.Call> calls) {
        latest = List.copyOf(calls);
        for (ToolTranscript.Call call : calls) {
            if (call.id() != null) names.put(call.id(), call.name());
        }
    }

    /** The name of the tool the call {@code callId} went to, or null when no earlier call had that id. */
    public String name(String callId) {
        return names.get(callId);
    }

    /** {@code results} as a {@code <tool_results>} block in the order of the latest turn's calls. */
    public String results(ToolTranscript transcript, List<ToolTranscript.Result> results) {
        return transcript.results(results, latest);
    }
}
