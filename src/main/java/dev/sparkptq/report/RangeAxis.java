package dev.sparkptq.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared x axis of the per-layer range bars: linear when every tensor's range has a similar size, otherwise
 * symmetric-log (linear within ±{@code linear} around zero, logarithmic beyond), because weight ranges around ±0.1
 * and activation ranges in the hundreds must both stay visible on one axis.
 */
final class RangeAxis {
    enum Scale { LINEAR, SYMLOG }

    /** Largest/smallest tensor extent up to which a linear axis still shows the smallest range. */
    static final double LINEAR_UP_TO = 20;

    private final Scale scale;
    private final double lo;
    private final double hi;
    private final double linear;

    RangeAxis(Scale scale, double lo, double hi, double linear) {
        this.scale = scale;
        this.lo = lo;
        this.hi = hi;
        this.linear = linear;
    }

    /** The axis for these [min, max] pairs (non-finite ones ignored); zero is always on it. */
    static RangeAxis fit(List<double[]> ranges) {
        double lo = 0;
        double hi = 0;
        double minExtent = Double.POSITIVE_INFINITY;
        double maxExtent = 0;
        for (double[] r : ranges) {
            if (!Double.isFinite(r[0]) || !Double.isFinite(r[1])) {
                continue;
            }
            lo = Math.min(lo, r[0]);
            hi = Math.max(hi, r[1]);
            double extent = Math.max(Math.abs(r[0]), Math.abs(r[1]));
            if (extent > 0) {
                minExtent = Math.min(minExtent, extent);
                maxExtent = Math.max(maxExtent, extent);
            }
        }
        if (maxExtent == 0) {
            return new RangeAxis(Scale.LINEAR, -1, 1, 1);
        }
        if (maxExtent / minExtent <= LINEAR_UP_TO) {
            return new RangeAxis(Scale.LINEAR, lo, hi, maxExtent);
        }
        double c = Math.pow(10, Math.floor(Math.log10(Math.max(minExtent, maxExtent * 1e-6))));
        return new RangeAxis(Scale.SYMLOG, lo, hi, c);
    }

    Scale scale() {
        return scale;
    }

    /** Half-width of the linear zone of a symmetric-log axis. */
    double linearZone() {
        return linear;
    }

    /** Position of {@code v} along the axis, 0 at the left end and 1 at the right end (clamped). */
    double fraction(double v) {
        double a = warp(lo);
        double b = warp(hi);
        if (b == a) {
            return 0.5;
        }
        return Math.max(0, Math.min(1, (warp(v) - a) / (b - a)));
    }

    private double warp(double v) {
        return scale == Scale.LINEAR ? v : Math.signum(v) * Math.log10(1 + Math.abs(v) / linear);
    }

    /** Tick values in increasing order, zero included: decades from 10× the linear zone, or a 1-2-5 step. */
    List<Double> ticks() {
        List<Double> left = new ArrayList<>();
        List<Double> right = new ArrayList<>();
        if (scale == Scale.SYMLOG) {
            for (double t = 10 * linear; t <= Math.max(hi, -lo) * (1 + 1e-9); t *= 10) {
                if (t <= hi * (1 + 1e-9)) {
                    right.add(t);
                }
                if (-t >= lo * (1 + 1e-9)) {
                    left.add(-t);
                }
            }
        } else {
            double step = niceStep((hi - lo) / 5);
            for (double t = step; t <= hi + step * 1e-9; t += step) {
                right.add(t);
            }
            for (double t = -step; t >= lo - step * 1e-9; t -= step) {
                left.add(t);
            }
        }
        List<Double> all = new ArrayList<>();
        for (int i = left.size() - 1; i >= 0; i--) {
            all.add(left.get(i));
        }
        all.add(0.0);
        all.addAll(right);
        return all;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[]{1, 2, 5, 10}) {
            if (m * p >= raw * (1 - 1e-9)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** One sentence for the caption. */
    String describe() {
        return scale == Scale.LINEAR ? "linear axis"
                : "symmetric-log axis (linear within \u00b1" + Fmt.tick(linear) + ", one tick per decade beyond)";
    }
}
