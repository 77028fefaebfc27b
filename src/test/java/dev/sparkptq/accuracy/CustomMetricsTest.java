package dev.sparkptq.accuracy;

import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.config.MetricSpec.Direction;
import dev.sparkptq.config.MetricSpec.Type;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.core.DType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CustomMetricsTest {
    private static final List<TensorInfo> OUTPUTS = List.of(new TensorInfo("y", DType.FLOAT, new long[] {1, 4}));
    private static final String PREFIX = CustomMetricsTest.class.getName() + "$";

    /** Mean absolute difference to FP32: an error, lower is better. */
    public static class AbsError implements Metric {
        @Override
        public String name() {
            return "abs_error";
        }

        @Override
        public boolean higherBetter() {
            return false;
        }

        @Override
        public double perSample(EvalSample s) {
            float[] a = s.outputs().get("y").toFloats();
            float[] b = s.reference().get("y").toFloats();
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                sum += Math.abs(a[i] - b[i]);
            }
            return sum / a.length;
        }
    }

    /** Sees its spec: reports the configured name. */
    public static class Configured implements Metric {
        private final String name;

        public Configured(MetricSpec spec) {
            this.name = spec.name();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean higherBetter() {
            return true;
        }

        @Override
        public double perSample(EvalSample s) {
            return 1;
        }
    }

    public static class NotAMetric {
    }

    public static class NoPublicConstructor extends AbsError {
        NoPublicConstructor(int x) {
        }
    }

    private static MetricSpec custom(String name, String cls, Direction direction) {
        return new MetricSpec(name, Type.CUSTOM, 1, null, null, cls, direction);
    }

    @Test
    void noArgClassIsWrappedUnderTheConfiguredName() {
        Metric m = Metrics.create(custom("err", PREFIX + "AbsError", null), OUTPUTS);
        assertEquals("err", m.name());
        assertFalse(m.higherBetter());
        ConfiguredMetric w = assertInstanceOf(ConfiguredMetric.class, m);
        assertInstanceOf(AbsError.class, w.metric());
    }

    @Test
    void classKeepsItsOwnIdentityWhenNameAndDirectionAgree() {
        assertInstanceOf(AbsError.class, Metrics.create(custom("abs_error", PREFIX + "AbsError", null), OUTPUTS));
        Metric m = Metrics.create(custom("mine", PREFIX + "Configured", null), OUTPUTS);
        assertInstanceOf(Configured.class, m);
        assertEquals("mine", m.name());
    }

    @Test
    void configuredDirectionOverridesTheClass() {
        Metric m = Metrics.create(custom("err", PREFIX + "AbsError", Direction.HIGHER_BETTER), OUTPUTS);
        assertTrue(m.higherBetter());
        assertTrue(Metrics.higherBetter(custom("err", PREFIX + "AbsError", Direction.HIGHER_BETTER)));
        assertFalse(Metrics.higherBetter(custom("err", PREFIX + "AbsError", null)));
        assertTrue(Metrics.higherBetter(new MetricSpec("top1", Type.ACCURACY, 1, null, null)));
    }

    @Test
    void dropOfALowerBetterMetricIsPositiveWhenTheErrorGrows() {
        Metric m = Metrics.create(custom("err", PREFIX + "AbsError", null), OUTPUTS);
        MetricValues fp32 = new MetricValues(java.util.Map.of("err", 0.0));
        MetricValues q = new MetricValues(java.util.Map.of("err", 0.25));
        assertEquals(0.25, Drop.absolute(m, fp32, q));
    }

    @Test
    void badClassesAreConfigErrorsNamingTheClassAndTheFix() {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> Metrics.create(custom("x", "com.acme.NoSuchMetric", null), OUTPUTS));
        assertTrue(missing.getMessage().contains("com.acme.NoSuchMetric")
                && missing.getMessage().contains("classpath"), missing.getMessage());
        ConfigException notMetric = assertThrows(ConfigException.class,
                () -> Metrics.create(custom("x", PREFIX + "NotAMetric", null), OUTPUTS));
        assertTrue(notMetric.getMessage().contains("dev.sparkptq.accuracy.Metric"), notMetric.getMessage());
        ConfigException noCtor = assertThrows(ConfigException.class,
                () -> Metrics.create(custom("x", PREFIX + "NoPublicConstructor", null), OUTPUTS));
        assertTrue(noCtor.getMessage().contains("constructor"), noCtor.getMessage());
        assertThrows(ConfigException.class, () -> Metrics.create(custom("x", null, null), OUTPUTS));
    }
}
