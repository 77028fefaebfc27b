package dev.sparkptq.pipeline;

import dev.sparkptq.runtime.IndexedJob;
import dev.sparkptq.config.EngineSection;
import dev.sparkptq.core.BadSampleException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.EngineFactory;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code engine.skip_bad_samples: true}: before the first pass over some samples, one Spark job decodes each of them
 * (no inference; {@link IntakeBackend} asks before every pass, samples already screened are not decoded again) and
 * the undecodable ones — a truncated JPEG, a corrupt PNG, a damaged NPY file, anything a reader
 * reports as a {@link BadSampleException} — are left out of every pass and reported. Decoding is what the executors
 * do anyway, so the driver never decodes the data set itself; the extra cost is one decoding pass, paid only by runs
 * that ask for skipping. Without the key nothing runs here: the first bad file fails its pass with exit 4, naming
 * the file.
 *
 * <p>A sample that decodes but does not fit the model (a wrong shape) is not skipped: that is a reader setting wrong
 * for every sample, and it fails as before.
 */
public final class SampleScreen {
    /** Bad files named in the warning (and report.json); the rest are counted. */
    static final int NAMED = 5;

    /** The job and result classes shipped through Spark, for the Kryo registrator. */
    public static final Class<?> JOB = Job.class;
    public static final Class<?> RESULT = Found.class;

    private final boolean enabled;
    private final int partitions;
    private final List<String> warnings;
    /** Per data source (by identity: a source is one folder read one way): ids screened, and the bad ones. */
    private final Map<DataSource, Set<String>> screened = new IdentityHashMap<>();
    private final Map<DataSource, Set<String>> bad = new IdentityHashMap<>();

    /**
     * @param warnings receives one line per screening that found bad files, counting and naming them (the run's
     *                 report warnings)
     */
    SampleScreen(EngineSection engine, List<String> warnings) {
        this(engine.skipBadSamples(), engine.numPartitions(), warnings);
    }

    private SampleScreen(boolean enabled, int partitions, List<String> warnings) {
        this.enabled = enabled;
        this.partitions = partitions;
        this.warnings = warnings;
    }

    /** Screens nothing: every sample is passed on (the default, until a run configures its engine section). */
    static SampleScreen off() {
        return new SampleScreen(false, 1, List.of());
    }

    /**
     * The samples of {@code refs} that decode: all of them without a job when skipping is off; otherwise the ones
     * not screened yet are decoded by one job on {@code backend} first.
     *
     * @throws DataException when every sample is undecodable
     */
    synchronized List<SampleRef> filter(StatisticsBackend backend, DataSource source, List<SampleRef> refs) {
        if (!enabled || refs.isEmpty()) {
            return refs;
        }
        Set<String> done = screened.computeIfAbsent(source, s -> new HashSet<>());
        Set<String> known = bad.computeIfAbsent(source, s -> new HashSet<>());
        List<SampleRef> fresh = refs.stream().filter(r -> !done.contains(r.id().value())).toList();
        if (!fresh.isEmpty()) {
            List<String> found = run(backend, source, fresh);
            fresh.forEach(r -> done.add(r.id().value()));
            found.forEach(line -> known.add(line.substring(0, line.indexOf('\t'))));
            report(found, fresh.size(), refs.size() == fresh.size() && found.size() == fresh.size());
        }
        List<SampleRef> good = refs.stream().filter(r -> !known.contains(r.id().value())).toList();
        if (good.isEmpty()) {
            throw new DataException("every one of the " + refs.size() + " samples of this pass is undecodable "
                    + "(engine.skip_bad_samples skipped them all); check the data source");
        }
        return good;
    }

    private List<String> run(StatisticsBackend backend, DataSource source, List<SampleRef> refs) {
        int shards = Math.max(1, Math.min(partitions, refs.size()));
        ArrayList<ArrayList<SampleRef>> slices = new ArrayList<>();
        dev.sparkptq.data.Subsets.slices(refs, shards).forEach(s -> slices.add(new ArrayList<>(s)));
        List<String> found = new ArrayList<>();
        backend.runIndexed(new Job(source, slices)).forEach(f -> found.addAll(f.bad()));
        return found;
    }

    private void report(List<String> found, int screenedNow, boolean all) {
        if (found.isEmpty() || all) {
            return; // none; or all bad, which filter() refuses with its own message
        }
        String named = String.join("; ", found.subList(0, Math.min(NAMED, found.size())).stream()
                .map(l -> l.replace('\t', ' ')).toList()) + (found.size() > NAMED ? "; …" : "");
        warnings.add("skipped " + found.size() + " of " + screenedNow + " samples that do not decode "
                + "(engine.skip_bad_samples): " + named);
    }

    /** One task per slice: load every sample, note the bad ones as {@code "id\treason"}. */
    record Job(DataSource source, ArrayList<ArrayList<SampleRef>> slices) implements IndexedJob<Found> {
        @Override
        public int tasks() {
            return slices.size();
        }

        @Override
        public Found run(int task, EngineFactory engines) {
            ArrayList<String> bad = new ArrayList<>();
            for (SampleRef ref : slices.get(task)) {
                try {
                    source.load(ref);
                } catch (BadSampleException e) {
                    bad.add(ref.id().value() + "\t(" + problem(e.getMessage()) + ")");
                }
            }
            return new Found(bad);
        }

        @Override
        public String stage() {
            return "checking samples";
        }
    }

    /** A reader's message without its closing advice (after the last "; "): the warning says what was done. */
    static String problem(String message) {
        String flat = message == null ? "undecodable" : message.replaceAll("\\s+", " ").strip();
        int advice = flat.lastIndexOf("; ");
        return advice > 0 ? flat.substring(0, advice) : flat;
    }

    /** A task's bad samples, in slice order. */
    record Found(ArrayList<String> bad) implements Serializable {
    }
}
