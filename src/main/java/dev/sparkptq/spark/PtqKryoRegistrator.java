package dev.sparkptq.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import dev.sparkptq.aaq.AccuracyAwareTasks;
import dev.sparkptq.algorithms.Registry;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.pipeline.EvalAccumulators;
import dev.sparkptq.pipeline.EvaluationJob;
import dev.sparkptq.pipeline.QuantNoiseJob;
import dev.sparkptq.pipeline.QuantNoiseSums;
import dev.sparkptq.pipeline.SampleScreen;
import dev.sparkptq.pipeline.StatisticsJob;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.StatisticsSet;
import org.apache.spark.serializer.KryoRegistrator;

import java.util.List;

/**
 * Registers every class spark-ptq ships through Kryo (RDD elements, broadcasts, task results). spark-ptq's values
 * are records and small immutable graphs of them; they go through Java serialization inside Kryo, which handles
 * records' canonical constructors and {@code writeReplace} proxies correctly — the per-record cost is negligible
 * next to an inference.
 */
public final class PtqKryoRegistrator implements KryoRegistrator {
    /**
     * The shipped classes, in a fixed order (Kryo ids follow registration order): the pipeline's and the accuracy
     * search's, then those the algorithms ship (from the registry).
     */
    public static final List<Class<?>> SHIPPED = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            SampleId.class, SampleRef.class, SampleRef[].class, ModelBlob.class, StatisticsJob.class,
            EvaluationJob.class, StatisticsSet.class, EvalAccumulators.class, HistogramSet.class,
            QuantNoiseJob.class, QuantNoiseSums.class, AccuracyAwareTasks.JOB, AccuracyAwareTasks.RESULT,
            SampleScreen.JOB, SampleScreen.RESULT),
            Registry.SHIPPED.stream()).toList();

    @Override
    public void registerClasses(Kryo kryo) {
        for (Class<?> c : SHIPPED) {
            kryo.register(c, new JavaSerializer());
        }
        kryo.register(scala.Tuple2.class);
        kryo.register(scala.Tuple2[].class);
        kryo.register(Object[].class);
    }
}
