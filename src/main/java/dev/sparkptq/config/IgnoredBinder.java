package dev.sparkptq.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds POT's {@code ignored} block. Attribute values are kept as text ({@code 1}, {@code 0.5}, {@code "NOTSET"},
 * {@code [1, 2]}) because their ONNX type is only known once the model is read; whether names and op types exist
 * in the model is checked against the model, not here.
 */
final class IgnoredBinder {
    static final KeySpec KEYS = KeySpec.of("scope", "operations", "first_layers")
            .explain("POT option for cascaded models, not supported", "skip_model");
    static final KeySpec OP_KEYS = KeySpec.of("type", "attributes");

    static final ConfigKeys.Section DOCS = ConfigKeys.section("compression.algorithms[].params.ignored", KEYS)
            .key("scope", "array of node names", "none", "nodes left in float (each must exist in the model)")
            .key("operations", "array of objects", "none", "op types left in float")
            .key("first_layers", "integer ≥ 0", "0", "the first N Conv/MatMul/Gemm layers from the model inputs "
                    + "(longest path) and the activations after them left in float: a stem fed raw pixels spans "
                    + "hundreds per tensor (YOLOX-nano, mse ranges: detection match 0.50 with 0, 0.96 with 3)");
    static final ConfigKeys.Section OP_DOCS = ConfigKeys.section(
                    "compression.algorithms[].params.ignored.operations[]", OP_KEYS)
            .key("type", "string", "required", "ONNX op type, e.g. `Add`")
            .key("attributes", "object", "any", "only ops whose attributes have these values");

    private IgnoredBinder() {
    }

    static IgnoredSpec bind(ObjectView params) {
        Optional<ObjectView> block = params.object("ignored", KEYS);
        if (block.isEmpty()) {
            return IgnoredSpec.none();
        }
        ObjectView ig = block.get();
        Problems problems = ig.problems();
        List<String> scope = ig.has("scope")
                ? JsonValues.list(ig.raw("scope"), ig.path("scope"), problems,
                        (n, p) -> JsonValues.string(n, p, problems)).orElse(List.of())
                : List.of();
        List<IgnoredSpec.IgnoredOp> ops = ig.has("operations")
                ? JsonValues.list(ig.raw("operations"), ig.path("operations"), problems,
                        (n, p) -> operation(n, p, problems)).orElse(List.of())
                : List.of();
        int firstLayers = ig.intValue("first_layers", 0, Integer.MAX_VALUE).orElse(0);
        return new IgnoredSpec(scope, ops, firstLayers);
    }

    private static Optional<IgnoredSpec.IgnoredOp> operation(JsonNode node, String path, Problems problems) {
        Optional<ObjectView> op = ObjectView.open(node, path, problems, OP_KEYS);
        if (op.isEmpty()) {
            return Optional.empty();
        }
        ObjectView o = op.get();
        Optional<String> type = o.require("type") ? o.string("type") : Optional.empty();
        Map<String, String> attributes = new LinkedHashMap<>();
        boolean ok = true;
        if (o.has("attributes")) {
            JsonNode attrs = o.raw("attributes");
            if (!attrs.isObject()) {
                problems.add(o.path("attributes"), "expected an object, got " + JsonValues.describe(attrs));
                ok = false;
            } else {
                for (var it = attrs.fields(); it.hasNext(); ) {
                    var e = it.next();
                    Optional<String> text = attributeText(e.getValue(), ObjectView.child(o.path("attributes"),
                            e.getKey()), problems);
                    ok &= text.isPresent();
                    text.ifPresent(t -> attributes.put(e.getKey(), t));
                }
            }
        }
        return type.isPresent() && ok ? Optional.of(new IgnoredSpec.IgnoredOp(type.get(), attributes))
                : Optional.empty();
    }

    private static Optional<String> attributeText(JsonNode v, String path, Problems problems) {
        if (v.isNumber() || v.isTextual()) {
            return Optional.of(v.asText());
        }
        if (v.isArray()) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < v.size(); i++) {
                JsonNode e = v.get(i);
                if (!e.isNumber() && !e.isTextual()) {
                    problems.add(path + "[" + i + "]", "expected a number or a string, got " + JsonValues.describe(e));
                    return Optional.empty();
                }
                b.append(i == 0 ? "" : ", ").append(e.asText());
            }
            return Optional.of(b.append(']').toString());
        }
        problems.add(path, "expected a number, a string or a list of those, got " + JsonValues.describe(v));
        return Optional.empty();
    }
}
