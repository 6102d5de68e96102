package dev.e2bgateway.sdk;

import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.e2bgateway.support.Gateway;

/** The openai-java client as the SDK tests point it at a gateway. */
final class OpenAiJava {

    private OpenAiJava() {
    }

    /**
     * A client builder for {@code gateway}'s {@code /v1} with the test key and no retries: a
     * retried request would hide what the gateway answered the first time.
     */
    static OpenAIOkHttpClient.Builder clientFor(Gateway gateway) {
        return OpenAIOkHttpClient.builder().apiKey(Gateway.KEY).baseUrl(gateway.baseUrl() + "/v1").maxRetries(0);
    }
}
