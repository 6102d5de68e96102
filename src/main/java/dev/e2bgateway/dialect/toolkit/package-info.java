/**
 * The tool kit every front door shares: what a door reads from its own wire shapes goes through
 * here, so the checks and the pairing are written once (docs/tool-calls.md).
 *
 * <ul>
 *   <li>{@link dev.e2bgateway.dialect.toolkit.ToolDeclarations}: a tool declared as a name, a
 *       description and a JSON Schema of its parameters, checked the same way at every door;</li>
 *   <li>{@link dev.e2bgateway.dialect.toolkit.ToolChoices}: what the model may do with them (none,
 *       auto, required, one named tool, an allowed subset), each choice checked against the tools;</li>
 *   <li>{@link dev.e2bgateway.dialect.toolkit.ToolHistory}: a conversation's messages with its
 *       earlier calls and their results, results paired with their calls by id, or by order (and
 *       name) where the client sends no id.</li>
 * </ul>
 *
 * <p>A door maps its shapes onto these and renders the core's calls back; it holds no tool logic.
 */
package dev.e2bgateway.dialect.toolkit;
