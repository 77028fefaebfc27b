package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.ModelException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a parsed model before anything is sized from it. A model file is untrusted input: a declared shape must not
 * make spark-ptq (or ONNX Runtime, which fails with an integer-overflow message naming nothing) allocate from a
 * dimension product that overflows or disagrees with the bytes actually stored, and a node must not use an operator
 * domain the model does not import (ONNX Runtime would reject it only after the statistics model was built).
 */
final class ModelChecks {
    /** Domains ONNX Runtime implements besides the default one. */
    private static final Set<String> RUNTIME_DOMAINS = Set.of("", "ai.onnx", "ai.onnx.ml", "com.microsoft",
            "com.microsoft.nchwc", "com.ms.internal.nhwc");

    private ModelChecks() {
    }

    /** @throws ModelException naming the first offending tensor or node */
    static void check(OnnxMl.ModelProto model) {
        Set<String> imported = new HashSet<>();
        model.getOpsetImportList().forEach(id -> imported.add(id.getDomain()));
        checkGraph(model.getGraph(), imported);
    }

    private static void checkGraph(OnnxMl.GraphProto g, Set<String> imported) {
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            checkTensor(t);
        }
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            checkDeclaredShape(v);
        }
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            checkDomain(n, imported);
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                if (a.hasT()) {
                    checkTensor(a.getT());
                }
                a.getTensorsList().forEach(ModelChecks::checkTensor);
                if (a.hasG()) {
                    checkGraph(a.getG(), imported);
                }
                a.getGraphsList().forEach(sub -> checkGraph(sub, imported));
            }
        }
    }

    private static void checkDomain(OnnxMl.NodeProto n, Set<String> imported) {
        String domain = n.getDomain();
        boolean known = domain.isEmpty() || domain.equals("ai.onnx") || imported.contains(domain);
        if (!known || !RUNTIME_DOMAINS.contains(domain)) {
            throw new ModelException("node '" + n.getName() + "' (" + n.getOpType() + ") uses operator domain '"
                    + domain + "', which " + (known ? "ONNX Runtime does not implement" : "the model does not import")
                    + "; spark-ptq quantizes models of the standard ONNX domains (" + List.copyOf(RUNTIME_DOMAINS)
                    .stream().filter(d -> !d.isEmpty()).sorted().toList() + ") only");
        }
    }

    /** Element count from the dims, checked for negative dims and overflow, compared with the stored data. */
    private static void checkTensor(OnnxMl.TensorProto t) {
        long n = elements("tensor '" + t.getName() + "'", t.getDimsList());
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            return; // ExternalData compares the file's bytes with the dims when it reads them
        }
        DType dtype = DType.fromOnnx(t.getDataType());
        if (dtype == null || !t.hasRawData()) {
            return; // typed data: the counts are checked when the tensor is decoded; nothing is sized from dims
        }
        if (n > Long.MAX_VALUE / dtype.bytes() || n * dtype.bytes() != t.getRawData().size()) {
            throw new ModelException("tensor '" + t.getName() + "' declares dims " + t.getDimsList() + " (" + n
                    + " elements of " + dtype + ") but holds " + t.getRawData().size() + " bytes; the model file is "
                    + "corrupt or was edited by hand, re-export it");
        }
    }

    private static void checkDeclaredShape(OnnxMl.ValueInfoProto v) {
        if (!v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
            return;
        }
        List<Long> dims = v.getType().getTensorType().getShape().getDimList().stream()
                .filter(OnnxMl.TensorShapeProto.Dimension::hasDimValue)
                .map(OnnxMl.TensorShapeProto.Dimension::getDimValue).toList();
        elements("input '" + v.getName() + "'", dims);
    }

    private static long elements(String what, List<Long> dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new ModelException(what + " has a negative dimension in " + dims + "; re-export the model");
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new ModelException(what + " declares dims " + dims + " whose product overflows 64 bits; the "
                        + "model file is corrupt, re-export it", e);
            }
        }
        return n;
    }
}
