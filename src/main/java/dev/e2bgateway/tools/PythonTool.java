package dev.e2bgateway.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The built-in code interpreter as the model is offered it: one more tool in the list, named
 * {@value #NAME} with one string parameter {@value #CODE} (fixed by docs/tool-calls.md,
 * "The code interpreter"). A client function of that name stays the client's; the built-in is
 * then offered as {@value #OTHER_NAME} (docs/code-interpreter.md).
 */
public final class PythonTool {

    public static final String NAME = "python";
    public static final String OTHER_NAME = "python_sandbox";
    public static final String CODE = "code";

    private static final String DESCRIPTION = """
            Runs Python 3 code as a Jupyter cell in a sandbox and returns what it printed (stdout, \
            stderr), the error with its traceback if it raised one, and the value of its last expression. \
            Use it to compute, check or plot instead of guessing. Every call runs in a fresh sandbox: \
            no state is kept between calls (variables, imports, files, installed packages are gone), so \
            each cell must be complete on its own. print() what you need to see. A matplotlib figure \
            shown with plt.show() is given to the user as an image. A cell may run for at most a minute. \
            The usual data packages (numpy, pandas, matplotlib) are installed.""";

    private PythonTool() {
    }

    /** The name the built-in gets beside the client's own tools: {@value #NAME}, unless one of them has it. */
    public static String nameBeside(List<Tool> clientTools) {
        String name = NAME;
        for (int n = 1; taken(name, clientTools); n++) name = n == 1 ? OTHER_NAME : OTHER_NAME + "_" + n;
        return name;
    }

    private static boolean taken(String name, List<Tool> tools) {
        return tools.stream().anyMatch(t -> t.name().equals(name));
    }

    /** The tool as the model is offered it. */
    public static Tool tool(String name) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode parameters = nodes.objectNode().put("type", "object");
        parameters.putObject("properties").putObject(CODE).put("type", "string").put("description", "The Python source of the cell.");
        parameters.putArray("required").add(CODE);
        return Tool.function(name, DESCRIPTION, parameters);
    }
}
