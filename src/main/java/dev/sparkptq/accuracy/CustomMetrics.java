package dev.sparkptq.accuracy;

import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.core.ConfigException;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * Instantiates a user's metric class ({@code type: custom, class: com.acme.MyMetric}). This is the only place a
 * class named in a config is loaded, and only classes implementing {@link Metric} are accepted: a public
 * {@code (MetricSpec)} constructor is preferred (the class sees its name, output and direction), else a public
 * no-arg one. The class must be on the classpath of the driver and of every executor (e.g. {@code --jars}).
 */
final class CustomMetrics {
    private CustomMetrics() {
    }

    static Metric create(MetricSpec spec) {
        if (spec.className() == null || spec.className().isBlank()) {
            throw new ConfigException("custom metric '" + spec.name() + "' names no class; set \"class\" to a class "
                    + "implementing dev.sparkptq.accuracy.Metric, e.g. com.acme.MyMetric");
        }
        Class<?> c = load(spec);
        if (!Metric.class.isAssignableFrom(c) || c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
            throw new ConfigException("custom metric '" + spec.name() + "': class " + spec.className() + " is not a "
                    + "concrete implementation of dev.sparkptq.accuracy.Metric; implement that interface");
        }
        Metric metric = instantiate(spec, c.asSubclass(Metric.class));
        boolean higherBetter = spec.direction() == null ? metric.higherBetter()
                : spec.direction() == MetricSpec.Direction.HIGHER_BETTER;
        if (metric.name().equals(spec.name()) && metric.higherBetter() == higherBetter) {
            return metric;
        }
        return new ConfiguredMetric(spec.name(), higherBetter, metric);
    }

    private static Class<?> load(MetricSpec spec) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            return Class.forName(spec.className(), true, loader != null ? loader : CustomMetrics.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException("custom metric '" + spec.name() + "': class " + spec.className() + " cannot be "
                    + "loaded (" + e + "); put its jar on the classpath of the driver and executors (--jars)", e);
        }
    }

    private static Metric instantiate(MetricSpec spec, Class<? extends Metric> c) {
        try {
            Constructor<? extends Metric> withSpec = constructor(c, MetricSpec.class);
            Metric m = withSpec != null ? withSpec.newInstance(spec) : noArg(spec, c).newInstance();
            if (m.name() == null) {
                throw new ConfigException("custom metric class " + spec.className() + " returns a null name(); "
                        + "return a name");
            }
            return m;
        } catch (InvocationTargetException e) {
            throw new ConfigException("custom metric '" + spec.name() + "': the constructor of " + spec.className()
                    + " failed: " + e.getCause() + "; fix the class or its configuration", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ConfigException("custom metric '" + spec.name() + "': cannot create " + spec.className() + " ("
                    + e + "); give it a public constructor taking MetricSpec or none", e);
        }
    }

    private static Constructor<? extends Metric> noArg(MetricSpec spec, Class<? extends Metric> c) {
        Constructor<? extends Metric> k = constructor(c);
        if (k == null) {
            throw new ConfigException("custom metric '" + spec.name() + "': class " + spec.className() + " has "
                    + "neither a public (MetricSpec) nor a public no-arg constructor; add one");
        }
        return k;
    }

    private static Constructor<? extends Metric> constructor(Class<? extends Metric> c, Class<?>... params) {
        if (!Modifier.isPublic(c.getModifiers())) {
            return null;
        }
        try {
            Constructor<? extends Metric> k = c.getConstructor(params);
            return Modifier.isPublic(k.getModifiers()) ? k : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
