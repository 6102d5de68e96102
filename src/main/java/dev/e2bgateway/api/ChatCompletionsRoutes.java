package dev.e2bgateway.api;

import io.javalin.config.JavalinState;
import io.javalin.plugin.Plugin;

/** The OpenAI Chat Completions front door: {@code POST /v1/chat/completions}, its errors in OpenAI's shape. */
public final class ChatCompletionsRoutes extends Plugin<Void> {

    private final ChatEndpoint chat;

    /** @param chat the chat endpoint of the Chat Completions dialect */
    public ChatCompletionsRoutes(ChatEndpoint chat) {
        this.chat = chat;
    }

    @Override
    public void onStart(JavalinState state) {
        chat.route(state.routes, "/v1/chat/completions");
    }
}
