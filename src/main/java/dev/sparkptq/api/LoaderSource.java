package dev.sparkptq.api;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DataLoader} seen as the pipeline's {@link DataSource}: item {@code i} becomes the sample ref with id
 * {@code i} (zero-padded so ids sort in index order) and index {@code i}; its annotation is the sample's label.
 */
final class LoaderSource implements DataSource {
    private static final long serialVersionUID = 1L;
    private final DataLoader loader;

    LoaderSource(DataLoader loader) {
        this.loader = loader;
    }

    @Override
    public List<SampleRef> list() {
        int n = loader.size();
        if (n <= 0) {
            throw new DataException("the DataLoader " + loader.getClass().getName() + " has no items (size() is " + n
                    + "); give it at least one sample");
        }
        int width = Integer.toString(n - 1).length();
        List<SampleRef> refs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = String.format("%0" + width + "d", i);
            refs.add(new SampleRef(new SampleId(id), "item " + i, i, null));
        }
        return refs;
    }

    @Override
    public Sample load(SampleRef ref) {
        DataItem item = loader.get((int) ref.index());
        if (item == null) {
            throw new DataException("DataLoader " + loader.getClass().getName() + ".get(" + ref.index()
                    + ") returned null; return a DataItem with the model's inputs");
        }
        return new Sample(ref.id(), item.inputs(), item.annotation());
    }
}
