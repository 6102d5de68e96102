/**
 * Emulated tool calling over an upstream that has none (docs/tool-calls.md).
 *
 * <p>The gateway describes the offered tools in the system prompt ({@link
 * dev.e2bgateway.tools.ToolPrompt}), the model writes its calls as tagged text inside its
 * reply, and {@link dev.e2bgateway.tools.ToolCallParser} turns that text back into native
 * calls while the reply streams. Earlier calls (each with the client's id) and their results
 * (in the calls' order, paired by the doors' shared dialect.toolkit.ToolHistory) go back to the model as
 * text in the same format ({@link dev.e2bgateway.tools.ToolTranscript}).
 *
 * <p>Everything here is pure and I/O-free, and depends only on the JDK and Jackson.
 */
package dev.e2bgateway.tools;
