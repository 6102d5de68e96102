package dev.e2bgateway.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A dialect's body encoded with the shared mapper: trees and records always encode, so a failure is a bug. */
public final class JsonBytes {

    private JsonBytes() {
    }

    public static byte[] of(ObjectMapper json, Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
