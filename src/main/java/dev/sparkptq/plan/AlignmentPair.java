package dev.sparkptq.plan;

import dev.sparkptq.core.DType;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;

import java.util.ArrayList;
import java.util.List;

/**
 * A producer → consumer Conv pair that POT's ActivationChannelAlignment may change, with POT's conditions: the consumer
 * is a Conv with {@code group = 1}, no padding, stride 1 and dilation 1; its activation input is the output of a Conv
 * that nothing else reads (and that is not a graph output). Both weights, and the biases that exist, are FP32
 * initializers read by their op alone, so rewriting their values changes nothing else. No padding is what makes the
 * bias shift exact: every consumer output position sees only real producer outputs, never a padded zero that a shift
 * would turn into a non-zero.
 *
 * <p>POT also accepts a MatMul producer; its output channels are its last axis, not the Conv's axis 1, so it is left
 * out here.
 *
 * @param producer   the Conv whose output channels are re-centred and rescaled
 * @param consumer   the Conv that absorbs the change
 * @param tensor     the producer's output (the consumer's input 0)
 * @param weightIn   producer weight {@code [C, Cin, k...]}
 * @param biasIn     producer bias {@code [C]}, or null
 * @param weightOut  consumer weight {@code [OC, C, k...]}
 * @param biasOut    consumer bias {@code [OC]}, or null
 */
public record AlignmentPair(Node producer, Node consumer, String tensor, String weightIn, String biasIn,
                            String weightOut, String biasOut) {

    /** Every pair of the graph, in the consumers' topological order. */
    public static List<AlignmentPair> find(ModelGraph graph) {
        List<AlignmentPair> out = new ArrayList<>();
        for (Node consumer : graph.nodes()) {
            if (!isPlainConv(consumer) || !unitGeometry(consumer)) {
                continue;
            }
            String x = consumer.inputs().get(0);
            Node producer = graph.producer(x);
            List<Use> readers = graph.consumers(x);
            if (producer == null || !isPlainConv(producer) || readers.size() != 1 || graph.isGraphOutput(x)) {
                continue;
            }
            String wIn = producer.inputs().get(1);
            String bIn = bias(producer);
            String wOut = consumer.inputs().get(1);
            String bOut = bias(consumer);
            if (ownFloatInitializer(graph, wIn) && ownFloatInitializer(graph, wOut)
                    && (bIn == null || ownFloatInitializer(graph, bIn))
                    && (bOut == null || ownFloatInitializer(graph, bOut))) {
                out.add(new AlignmentPair(producer, consumer, x, wIn, bIn, wOut, bOut));
            }
        }
        return out;
    }

    private static boolean isPlainConv(Node n) {
        return n.opType().equals("Conv") && n.isDefaultDomain() && n.inputs().size() >= 2
                && n.intAttr("group", 1) == 1;
    }

    /** No padding, stride 1 and dilation 1 on every axis (absent attributes mean exactly that). */
    private static boolean unitGeometry(Node n) {
        String autoPad = n.stringAttr("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            return false;
        }
        return all(n.intsAttr("pads"), 0) && all(n.intsAttr("strides"), 1) && all(n.intsAttr("dilations"), 1);
    }

    private static boolean all(long[] values, long expected) {
        if (values == null) {
            return true;
        }
        for (long v : values) {
            if (v != expected) {
                return false;
            }
        }
        return true;
    }

    private static String bias(Node n) {
        return n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? n.inputs().get(2) : null;
    }

    private static boolean ownFloatInitializer(ModelGraph graph, String tensor) {
        return graph.isInitializer(tensor) && graph.consumers(tensor).size() == 1
                && graph.constantValue(tensor).map(t -> t.dtype() == DType.FLOAT).orElse(false);
    }
}
