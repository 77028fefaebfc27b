package dev.sparkptq.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Choosing the samples a run uses (calibration subset, evaluation subset). */
public final class Subsets {
    private Subsets() {
    }

    /**
     * The first {@code size} refs, or with {@code shuffle} a uniformly random subset of {@code size} refs drawn with
     * {@code seed}, returned in source order (so the result does not depend on the draw order).
     *
     * <p>The draw is a partial Fisher–Yates shuffle of the indices driven by {@link SplittableRandom}, whose
     * sequence for a seed is fixed by its specification: the same seed gives the same subset on every JVM.
     *
     * @param size {@code null} for all refs; larger than {@code all.size()} also gives all (the caller warns)
     */
    public static List<SampleRef> select(List<SampleRef> all, Integer size, boolean shuffle, long seed) {
        if (size != null && size < 0) {
            throw new IllegalArgumentException("subset size must not be negative: " + size);
        }
        if (size == null || size >= all.size()) {
            return List.copyOf(all);
        }
        if (!shuffle) {
            return List.copyOf(all.subList(0, size));
        }
        int[] idx = new int[all.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(idx.length - i);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
        }
        int[] chosen = Arrays.copyOf(idx, size);
        Arrays.sort(chosen);
        List<SampleRef> out = new ArrayList<>(size);
        for (int i : chosen) {
            out.add(all.get(i));
        }
        return List.copyOf(out);
    }

    /** Partition the samples into {@code n} contiguous slices exactly as Spark's {@code parallelize} does. */
    public static List<List<SampleRef>> slices(List<SampleRef> refs, int n) {
        List<List<SampleRef>> out = new java.util.ArrayList<>();
        long len = refs.size();
        for (int i = 0; i < n; i++) {
            int start = (int) ((i * len) / n);
            int end = (int) (((i + 1) * len) / n);
            out.add(List.copyOf(refs.subList(start, end)));
        }
        return out;
    }
}
