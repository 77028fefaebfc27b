package dev.sparkptq.pipeline;

import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.GraphEdit.AddReduction;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.HistogramSpec;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatisticSpec;
import dev.sparkptq.stats.StatisticsSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How one pass reads the merged requests of several steps on Conv → Relu → Conv (r1 is known to be ≥ 0). */
class StatisticsPassTest {
    private static final ModelGraph GRAPH = ModelGraph.of(TinyModels.convReluConv());

    private static StatisticSpec spec(String tensor, PerSampleStat stat) {
        return new StatisticSpec(tensor, stat, -1, Aggregation.MEAN, null, null);
    }

    private static StatisticsRequest ranges(StatisticSpec... specs) {
        return StatisticsRequest.calibration(List.of(specs), List.of(), List.of());
    }

    private static AddReduction only(StatisticsPass pass) {
        assertEquals(1, pass.reductions().size(), pass.reductions().toString());
        return pass.reductions().get(0);
    }

    @Test
    void aMinimumOnlyRangesReadMayBeReportedAsZeroForANonNegativeTensor() {
        StatisticsPass pass = StatisticsPass.of(List.of(ranges(spec("r1", PerSampleStat.MIN))), GRAPH, true);
        assertTrue(only(pass).nonNegative());
    }

    @Test
    void aMinimumAnotherStepNeedsAsAValueIsComputed() {
        StatisticsRequest values = StatisticsRequest.of(List.of(spec("r1", PerSampleStat.MIN)));
        StatisticsPass pass = StatisticsPass.of(List.of(ranges(spec("r1", PerSampleStat.MIN)), values), GRAPH, true);
        assertFalse(only(pass).nonNegative(), "the value request must see the real minimum");
        assertEquals(1, pass.specs().size(), "one statistic, collected once");
    }

    @Test
    void theFirstRequestIsReadSortedAndLaterOnesAreAppendedInTheirOrder() {
        StatisticsRequest first = ranges(spec("r1", PerSampleStat.MAX), spec("c1", PerSampleStat.MEAN));
        StatisticsRequest later = StatisticsRequest.of(List.of(spec("y", PerSampleStat.MEAN),
                spec("r1", PerSampleStat.MEAN), spec("x", PerSampleStat.MEAN)));
        StatisticsPass pass = StatisticsPass.of(List.of(first, later), GRAPH, true);
        assertEquals(List.of("c1", StatisticsSet.reducedName("r1", PerSampleStat.MAX, -1), "y", "r1"),
                pass.outputs(), "r1 is also exposed whole for its mean; the graph input x is read from the samples");
        assertEquals(List.of("c1", "r1", "x", "y"), pass.tensors());
        assertEquals(5, pass.specs().size());
    }

    @Test
    void withoutInplaceStatisticsEveryTensorIsExposedWhole() {
        StatisticsPass pass = StatisticsPass.of(List.of(ranges(spec("r1", PerSampleStat.MIN),
                spec("c1", PerSampleStat.MAX))), GRAPH, false);
        assertEquals(List.of("c1", "r1"), pass.outputs());
        assertEquals(List.of(), pass.reductions());
    }

    @Test
    void histogramsWhoseEdgesComeFromThePassTakeASecondPass() {
        HistogramSpec grid = HistogramSpec.grid("c1", HistogramSpec.Domain.VALUES, 64);
        StatisticsRequest oneGrid = StatisticsRequest.calibration(List.of(spec("c1", PerSampleStat.MAX)),
                List.of(grid), List.of());
        assertEquals(1, StatisticsPass.of(List.of(oneGrid), GRAPH, true).passes());
        StatisticsRequest later = StatisticsRequest.calibration(List.of(spec("r1", PerSampleStat.MAX)), List.of(),
                List.of(new StatisticsRequest.LaterHistogram("r1",
                        pass1 -> new HistogramSpec("r1", HistogramSpec.Domain.VALUES, 0,
                                pass1.get(spec("r1", PerSampleStat.MAX)).values()[0], 8))));
        StatisticsPass two = StatisticsPass.of(List.of(oneGrid, later), GRAPH, true);
        assertEquals(2, two.passes());
        assertEquals(List.of("c1", "r1"), two.histogramTensors());
        assertEquals(List.of("c1", "r1"), two.histogramOutputs());
        HistogramSpec counted = two.laterSpecs(Map.of(spec("r1", PerSampleStat.MAX),
                new dev.sparkptq.stats.StatResult(new double[]{3.5}, 1, 0))).get(0);
        assertEquals(3.5, counted.high(), "pass 2's edges come from pass 1's maximum");
    }
}
