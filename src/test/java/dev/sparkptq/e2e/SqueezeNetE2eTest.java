package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SqueezeNet 1.1, performance preset, MinMax only, calibrated on 200 ImageNet-sample images and evaluated on the
 * other 300 (never seen in calibration): top-1 drop ≤ 1.5 points, file ≤ 30 % of FP32.
 */
@Tag("e2e")
class SqueezeNetE2eTest {
    @Test
    void performancePresetKeepsTop1WithinOneAndAHalfPointsOnUnseenImages(@TempDir Path tmp) throws Exception {
        Path shared = E2e.shared();
        E2e.ImageSplit split = E2e.imagenetSplit(shared, tmp);
        Path calibDir = split.calibration();
        Path evalDir = split.evaluation();
        Path out = tmp.resolve("out");
        E2e.cliOk("quantize", "--config", "conf/examples/squeezenet-imagenet.json", "--data-source",
                calibDir.toString(), "--eval-data-source", evalDir.toString(), "--evaluate", "--output-dir",
                out.toString(), "--master", "local[2]");

        JsonNode report = E2e.report(out);
        JsonNode m = report.get("metrics");
        assertEquals(split.evaluationImages(), m.get("samples").asInt());
        assertEquals(0, m.get("samples_also_used_for_calibration").asInt());
        double drop = m.get("drop").get("top1").asDouble();
        System.out.printf("SqueezeNet top1 fp32 %.4f int8 %.4f drop %.4f; size ratio %.3f%n",
                m.get("fp32").get("top1").asDouble(), m.get("quantized").get("top1").asDouble(), drop,
                report.get("output").get("size_ratio").asDouble());
        assertTrue(m.get("fp32").get("top1").asDouble() > 0.5, "FP32 baseline must be sane: " + m);
        assertTrue(drop <= 0.015, "top-1 drop " + drop + " > 0.015");
        assertTrue(report.get("output").get("size_ratio").asDouble() <= 0.30, "size ratio");
        assertEquals(26, report.get("quantization").get("quantized_op_types").get("Conv").asInt());
        JsonNode k = report.get("integer_kernels");
        System.out.printf("SqueezeNet integer-kernel MACs %.4f of %d (%s)%n", k.get("integer_share").asDouble(),
                k.get("total_macs").asLong(), k.get("kernel_ops"));
        // as placed every Conv fuses into QLinearConv; the speed guard may then return ops to float by timing (the
        // 3-channel stem on some runs), and the written model's share is what is left
        JsonNode speed = report.get("speed");
        int returned = speed.get("returned_to_float").size();
        assertEquals(1.0, speed.get("integer_share_before").asDouble(), 1e-9, "as placed, 100 % of Conv MACs: "
                + speed);
        assertEquals(26 - returned, k.get("integer_mac_ops").asInt(), "every Conv the guard kept fuses into "
                + "QLinearConv (" + returned + " returned to float): " + k);
        if (returned == 0) {
            assertEquals(k.get("total_macs").asLong(), k.get("integer_macs").asLong(), "100 % of Conv MACs");
        }
        assertTrue(k.get("total_macs").asLong() > 300_000_000L, "SqueezeNet 1.1 has ~0.35 GMACs: " + k);
        assertEquals(split.calibrationImages(), report.get("calibration").get("samples_used").asInt());
        assertTrue(Files.exists(out.resolve("model.onnx")));
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("model.onnx", "report.html", "report.json", "statistics.json"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "no temp files left behind");
        }
    }
}
