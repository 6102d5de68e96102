package dev.e2bgateway.core;

/**
 * A call the model made, read from its reply.
 *
 * @param index     its place among this reply's calls, from 0
 * @param arguments the arguments as a JSON object text
 */
public record ToolCall(int index, String name, String arguments) {}
