package dev.sparkptq.graph.edit;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantParams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Lays Q/DQ edits out the way ONNX Runtime's CPU graph rewrites need to fuse them, without changing any dequantized
 * value. Two rules, both exact:
 *
 * <ol>
 *   <li><b>Activations are stored as uint8.</b> A signed 8-bit activation quantizer (levels −128..127, zero point z)
 *   becomes the same quantizer in uint8 (levels 0..255, zero point z + 128): {@code (q − z)·s} is unchanged for
 *   every level. Why: on x86 ORT's QDQ selectors only fuse Conv/MatMul whose activation is uint8; ORT converts an
 *   int8 Q/DQ pair to uint8 itself only when the QuantizeLinear feeds exactly one DequantizeLinear
 *   ({@code QDQS8ToU8Transformer}), so an int8 activation read by two ops (a residual branch and a depthwise conv)
 *   left the conv a float kernel behind DequantizeLinear (FaceMesh: 21 of 45 convs).</li>
 *   <li><b>One QuantizeLinear per tensor and parameters.</b> Edits on the same tensor with equal parameters and role
 *   become one edit whose consumers are the union (points tied to another tensor's range often have exactly the
 *   tensor's own parameters: the input of a max-pool or of a zero-padding Concat). Why: ORT removes a Relu/Clip
 *   before a QuantizeLinear only when that quantizer is the Relu's single consumer ({@code ReluQuantFusion},
 *   {@code ClipQuantFusion}); two quantizers on one Relu kept the Relu, so the residual Add before it stayed float
 *   instead of becoming QLinearAdd (BlazeFace: 11 of 16 Adds).</li>
 * </ol>
 *
 * <p>Pure: edits in, edits out, in the original order (a merged edit takes the place of its first member).
 */
public final class OrtQdqLayout {
    private OrtQdqLayout() {
    }

    /** The edits with both rules applied; edits other than {@link GraphEdit.InsertQdq} pass through unchanged. */
    public static List<GraphEdit> of(List<GraphEdit> edits) {
        Map<Key, List<InputRef>> consumers = new LinkedHashMap<>();
        List<Object> order = new ArrayList<>();
        for (GraphEdit e : edits) {
            if (e instanceof GraphEdit.InsertQdq q) {
                QuantParams p = q.role() == Role.ACTIVATION ? unsignedActivation(q.params()) : q.params();
                Key key = new Key(q.tensor(), q.role(), p);
                if (!consumers.containsKey(key)) {
                    order.add(key);
                    consumers.put(key, new ArrayList<>());
                }
                consumers.get(key).addAll(q.consumers());
            } else {
                order.add(e);
            }
        }
        List<GraphEdit> out = new ArrayList<>();
        for (Object o : order) {
            if (o instanceof Key k) {
                Set<InputRef> refs = new LinkedHashSet<>(consumers.get(k));
                out.add(new GraphEdit.InsertQdq(k.tensor(), List.copyOf(refs), k.params(), k.role()));
            } else {
                out.add((GraphEdit) o);
            }
        }
        return out;
    }

    /**
     * The uint8 form of an int8 quantizer: zero point and levels shifted by 128, same scale, so every level
     * dequantizes to the same value. Other storage types are returned unchanged (16-bit quantizers are left to the
     * runtime's own handling).
     */
    public static QuantParams unsignedActivation(QuantParams p) {
        if (p.storage() != DType.INT8) {
            return p;
        }
        int[] zp = p.zeroPoint();
        for (int i = 0; i < zp.length; i++) {
            zp[i] += SHIFT;
        }
        return new QuantParams(p.scale(), zp, p.axis(), DType.UINT8, p.levelLow() + SHIFT, p.levelHigh() + SHIFT);
    }

    /** int8 level −128 is uint8 level 0. */
    private static final int SHIFT = 128;

    /** What makes two edits one quantizer: the tensor, the role and equal parameters. */
    private record Key(String tensor, Role role, QuantParams params) {
        Key {
            Objects.requireNonNull(params);
        }
    }
}
