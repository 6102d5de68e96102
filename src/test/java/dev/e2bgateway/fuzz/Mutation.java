package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One change to a valid request's JSON tree: a value replaced (by a wrong type, a huge number,
 * deep nesting, odd unicode, another part of a request), a field removed or added, a value
 * wrapped in an array. {@code where} picks the place among the tree's values in document
 * order (modulo their count), so every mutation applies to every tree and shrinks well.
 */
record Mutation(Kind kind, int where, String field, JsonNode value) {

    enum Kind { REPLACE, REMOVE, ADD_FIELD, WRAP_IN_ARRAY }

    /** Mutations whose values come from {@code values} (any JSON, plus request parts of one dialect). */
    static Gen<Mutation> mutations(Gen<JsonNode> values) {
        return Gen.combine(Gen.of(Kind.class), Gen.ints(0, 10_000),
                JsonValues.fieldNames(), values).as(Mutation::new);
    }

    /** Values for replacements: any JSON, deep nesting, long strings, and well-formed request parts. */
    static Gen<JsonNode> replacements(Gen<JsonNode> requestParts) {
        return Gen.frequency(
                Gen.w(6, JsonValues.values()),
                Gen.w(1, JsonValues.deep()),
                Gen.w(1, JsonValues.longStrings()),
                Gen.w(4, requestParts));
    }

    /** A mutated copy of {@code root}. */
    ObjectNode applyTo(ObjectNode root) {
        ObjectNode copy = root.deepCopy();
        List<Slot> slots = new ArrayList<>();
        collect(copy, slots);
        switch (kind) {
            case ADD_FIELD -> {
                List<ObjectNode> objects = new ArrayList<>();
                objects.add(copy);
                slots.stream().map(Slot::get).filter(JsonNode::isObject).forEach(n -> objects.add((ObjectNode) n));
                objects.get(where % objects.size()).set(field, value);
            }
            case REPLACE, REMOVE, WRAP_IN_ARRAY -> {
                if (slots.isEmpty()) return copy;
                Slot slot = slots.get(where % slots.size());
                switch (kind) {
                    case REPLACE -> slot.set(value);
                    case REMOVE -> slot.remove();
                    default -> slot.set(JsonValues.NODES.arrayNode().add(slot.get()));
                }
            }
        }
        return copy;
    }

    /** A place in the tree: a field of an object or an element of an array. */
    private record Slot(JsonNode parent, String key, int index) {
        JsonNode get() {
            return key != null ? parent.get(key) : parent.get(index);
        }

        void set(JsonNode v) {
            if (key != null) ((ObjectNode) parent).set(key, v);
            else ((ArrayNode) parent).set(index, v);
        }

        void remove() {
            if (key != null) ((ObjectNode) parent).remove(key);
            else ((ArrayNode) parent).remove(index);
        }
    }

    private static void collect(JsonNode node, List<Slot> slots) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                slots.add(new Slot(node, e.getKey(), -1));
                collect(e.getValue(), slots);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                slots.add(new Slot(node, null, i));
                collect(node.get(i), slots);
            }
        }
    }

    /** One change to the bytes after serialisation: the body cut, or a byte inserted, replaced or removed. */
    record ByteEdit(EditKind kind, int where, byte value) {

        enum EditKind { NONE, TRUNCATE, INSERT, REPLACE, DELETE }

        static Gen<ByteEdit> edits() {
            return Gen.combine(Gen.frequency(Gen.w(6, Gen.just(EditKind.NONE)),
                            Gen.w(1, Gen.of(EditKind.TRUNCATE, EditKind.INSERT, EditKind.REPLACE, EditKind.DELETE))),
                    Gen.ints(0, 100_000), Gen.anyByte()).as(ByteEdit::new);
        }

        byte[] applyTo(byte[] bytes) {
            if (kind == EditKind.NONE || bytes.length == 0) return bytes;
            int at = where % bytes.length;
            byte[] out;
            switch (kind) {
                case TRUNCATE -> out = java.util.Arrays.copyOf(bytes, at);
                case INSERT -> {
                    out = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, out, 0, at);
                    out[at] = value;
                    System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
                }
                case REPLACE -> {
                    out = bytes.clone();
                    out[at] = value;
                }
                default -> {
                    out = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, out, 0, at);
                    System.arraycopy(bytes, at + 1, out, at, bytes.length - at - 1);
                }
            }
            return out;
        }
    }
}
