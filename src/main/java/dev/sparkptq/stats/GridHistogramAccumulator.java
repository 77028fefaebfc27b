package dev.sparkptq.stats;

import dev.sparkptq.core.InternalException;

import java.io.Serializable;

/**
 * A one-pass histogram that needs no prior extremes: bins of width {@code w = 2^e} anchored at 0 (bin {@code k}
 * covers {@code [k·w, (k+1)·w)}), at most {@code maxBins} consecutive bins, coarsened when the data outgrow them.
 *
 * <p>The window of bins always holds bin 0 and every counted value, and is the narrowest such window for the
 * current width. When a value falls outside it and the widened window would exceed {@code maxBins} bins, the width
 * doubles ({@code k → floor(k / 2)}, counts added) until it fits. Coarsening is exact — a bin at {@code 2w} is the
 * union of two bins at {@code w} — and "the window fits" is monotone in {@code w}, so the counts equal those of
 * counting every value directly at the final width, and the final width is the smallest power of two (not below
 * {@code 2^}{@value #MIN_EXPONENT}) at which {@code [min(min, 0), max(max, 0)]} fits: it depends on the global
 * extremes only. Every accumulator starts at the finest width and only coarsens, so merging (bring both to the
 * coarser width, union the windows, coarsen while too wide) gives bit-identical results for any partitioning and any
 * order, and the empty accumulator is the identity. Resolution: at half the final width the window would exceed
 * {@code maxBins}, and a window at {@code w/2} has at most twice the bins of one at {@code w}, so the final window has
 * more than {@code maxBins / 2} bins (unless every value is 0).
 *
 * <p>Example, {@code maxBins} 4: values 0.3 and 1.1 fit at {@code w = 2^-1} (bins 0..2); adding -1.6 (bin -4) needs
 * bins -4..2, seven, so {@code w → 1}: bins -2..1 (four) — the same counts as counting all three at {@code w = 1}.
 *
 * <p>Counts live in a power-of-two array indexed by {@code k mod capacity} (a window of at most {@code maxBins <=
 * capacity} consecutive bins never collides), so widening the window moves nothing. Magnitudes ({@code |x|}) use the
 * same grid with {@code k >= 0}. NaN/±Inf are skipped and counted; exact zeros are counted in bin 0 and apart, as
 * in {@link HistogramAccumulator}. A plain class with primitive fields, so Kryo and Java serialization both work.
 */
public final class GridHistogramAccumulator implements HistogramCounter {
    private static final long serialVersionUID = 1L;
    /** The finest width, {@code 2^-200}: below any float's spacing, so it binds only when every value is 0. */
    public static final int MIN_EXPONENT = -200;
    /** Values this many binary orders of magnitude above the window are pre-shifted before flooring to a long. */
    private static final int SAFE_ORDERS = 40;

    private HistogramSpec.Domain domain;
    private int maxBins;
    private int exponent = MIN_EXPONENT;
    /** First and last bin of the window; {@code lo <= 0 <= hi}, {@code hi - lo < maxBins}. */
    private long lo;
    private long hi;
    private long[] counts;
    private long nonFinite;
    private long zeros;

    public GridHistogramAccumulator(HistogramSpec.Domain domain, int maxBins) {
        if (maxBins < 2 || maxBins > (1 << 24)) {
            throw new IllegalArgumentException("a grid histogram needs 2..2^24 bins, got " + maxBins);
        }
        this.domain = domain;
        this.maxBins = maxBins;
        this.counts = new long[Integer.highestOneBit(maxBins - 1) << 1];
    }

    /** Counts {@code values[from..to)}. */
    @Override
    public void add(float[] values, int from, int to) {
        boolean magnitudes = domain == HistogramSpec.Domain.MAGNITUDES;
        // locals, so the JIT keeps them in registers; only the rare widening reloads them
        long[] c = counts;
        int mask = c.length - 1;
        double inv = Math.scalb(1.0, -exponent);
        double first = lo;
        double end = hi + 1.0;
        long skipped = 0;
        long zero = 0;
        for (int k = from; k < to; k++) {
            float f = values[k];
            if (!(Math.abs(f) <= Float.MAX_VALUE)) {
                skipped++;
                continue;
            }
            zero += f == 0 ? 1 : 0;
            double x = magnitudes ? Math.abs(f) : f;
            double pos = x * inv; // exact: a power-of-two scale
            if (!(pos >= first && pos < end)) {
                widen(pos);
                c = counts;
                inv = Math.scalb(1.0, -exponent);
                first = lo;
                end = hi + 1.0;
                pos = x * inv;
            }
            c[(int) Math.floor(pos) & mask]++;
        }
        nonFinite += skipped;
        zeros += zero;
    }

    /** Widens the window to hold position {@code pos} (in bins of the current width), coarsening as needed. */
    private void widen(double pos) {
        int shift = Math.max(0, Math.getExponent(pos) - SAFE_ORDERS); // <= the shift needed, keeps floor in a long
        long k = (long) Math.floor(Math.scalb(pos, -shift));
        long newLo = Math.min(shr(lo, shift), k);
        long newHi = Math.max(shr(hi, shift), k);
        while (newHi - newLo >= maxBins) {
            newLo >>= 1;
            newHi >>= 1;
            shift++;
        }
        coarsen(shift);
        lo = newLo;
        hi = newHi;
    }

    /** Doubles the width {@code s} times: bin {@code k} → {@code floor(k / 2^s)}, counts added. */
    private void coarsen(int s) {
        if (s == 0) {
            return;
        }
        int mask = counts.length - 1;
        long[] next = new long[counts.length];
        for (long k = lo; k <= hi; k++) {
            long c = counts[(int) k & mask];
            if (c != 0) {
                next[(int) shr(k, s) & mask] += c;
            }
        }
        counts = next;
        lo = shr(lo, s);
        hi = shr(hi, s);
        exponent += s;
    }

    /** {@code floor(v / 2^s)} for any {@code s >= 0} (Java masks shift counts to 6 bits). */
    private static long shr(long v, int s) {
        return s >= 63 ? (v < 0 ? -1 : 0) : v >> s;
    }

    /** Adds {@code other}'s counts (same domain and bin limit); the result does not depend on the merge order. */
    @Override
    public void merge(HistogramCounter counter) {
        if (!(counter instanceof GridHistogramAccumulator other) || other.domain != domain
                || other.maxBins != maxBins) {
            throw new InternalException("cannot merge " + counter + " into " + this
                    + "; histograms of different specs were paired");
        }
        int e = Math.max(exponent, other.exponent);
        coarsen(e - exponent);
        int d = e - other.exponent;
        long newLo = Math.min(lo, shr(other.lo, d));
        long newHi = Math.max(hi, shr(other.hi, d));
        int s = 0;
        while (shr(newHi, s) - shr(newLo, s) >= maxBins) {
            s++;
        }
        coarsen(s);
        lo = shr(newLo, s);
        hi = shr(newHi, s);
        int mask = counts.length - 1;
        for (long k = other.lo; k <= other.hi; k++) {
            long c = other.counts[(int) k & other.counts.length - 1];
            if (c != 0) {
                counts[(int) shr(k, d + s) & mask] += c;
            }
        }
        nonFinite += other.nonFinite;
        zeros += other.zeros;
    }

    /** Bin width exponent: bins are {@code 2^exponent} wide. */
    public int exponent() {
        return exponent;
    }

    /** The count of grid bin {@code k} (0 outside the window). */
    public long count(long k) {
        return k < lo || k > hi ? 0 : counts[(int) k & counts.length - 1];
    }

    /** First bin of the window (0 for magnitudes). */
    public long firstBin() {
        return lo;
    }

    /** Last bin of the window. */
    public long lastBin() {
        return hi;
    }

    @Override
    public boolean isEmpty() {
        return nonFinite == 0 && total() == 0;
    }

    private long total() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /**
     * The counts as a {@link Histogram} trimmed to the populated bins, keeping 0 an edge (or inside): low edge
     * {@code first·w} when some value is negative, else 0; high edge {@code (last+1)·w} when some value is positive,
     * else 0 (bin 0 then holds only exact zeros, which go to the last bin, the one holding {@code high}). Every
     * value 0 (or none): {@code [0, 0]}, one bin. The ends of the window are populated by construction, so this is
     * also the trim to the populated bins. {@code clamped} is always 0: nothing falls outside a grid histogram.
     */
    @Override
    public Histogram result() {
        boolean positives = hi > 0 || count(0) > zeros;
        long last = positives ? hi : -1;
        if (lo == 0 && !positives) {
            return new Histogram(domain, 0.0, 0.0, new long[] {count(0)}, nonFinite, 0, zeros);
        }
        long[] out = new long[(int) (last - lo + 1)];
        for (long k = lo; k <= last; k++) {
            out[(int) (k - lo)] = count(k);
        }
        if (!positives) {
            out[out.length - 1] += count(0);
        }
        double low = Math.scalb((double) lo, exponent);
        double high = positives ? Math.scalb((double) (hi + 1), exponent) : 0.0;
        return new Histogram(domain, low, high, out, nonFinite, 0, zeros);
    }

    @Override
    public String toString() {
        return "grid histogram " + domain + " ×≤" + maxBins + " bins of 2^" + exponent + " [" + lo + ", " + hi + "]";
    }
}
