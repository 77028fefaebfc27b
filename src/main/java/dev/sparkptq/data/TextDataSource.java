package dev.sparkptq.data;

import ai.djl.huggingface.tokenizers.Encoding;
import dev.sparkptq.config.TextReaderSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.storage.Storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Text lines (UTF-8, plain or {@code .gz}), one sample per non-blank line, tokenized with a HuggingFace
 * {@code tokenizer.json} into {@code input_ids}, {@code attention_mask} and {@code token_type_ids} of shape
 * {@code [1, tokens]} (INT64, or INT32 when the model input is INT32).
 *
 * <p>{@code skipLines} and {@code maxLines} count samples (non-blank lines), so a calibration run with
 * {@code maxLines = n} and an evaluation run with {@code skipLines = n} never share a line. The sample id is
 * {@code line-<n>} with {@code n} the 1-based line number in the file; the ref's locator is the line itself.
 *
 * <p>In pair format ({@link TextReaderSpec#pairs()} set) each line is a {@link PairRow}: both sentences are
 * tokenized and stacked as a batch of 2, the shorter padded to the longer's length (id 0, mask 0, type 0; the mask
 * keeps padding out of attention and mean pooling, so the pad id does not matter), and the gold score becomes the
 * sample's {@link Sample#target()}. Rows are validated when listed, so a bad row fails on the driver.
 */
public final class TextDataSource implements DataSource {
    private static final long serialVersionUID = 1L;
    static final Set<String> FEEDS = Set.of("input_ids", "attention_mask", "token_type_ids");

    private final String file;
    /** The tokenizer.json's local path, or its URI when it is on another file system. */
    private final String tokenizer;
    /** A remote tokenizer.json's bytes, read once by the driver and shipped with the source; null for a local one. */
    private final byte[] tokenizerJson;
    private final int maxLength;
    private final int skipLines;
    private final Integer maxLines;
    private final TextReaderSpec.PairColumns pairs;
    private final List<TensorInfo> inputs;

    private TextDataSource(String file, String tokenizer, byte[] tokenizerJson, TextReaderSpec spec,
                           List<TensorInfo> inputs) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.tokenizerJson = tokenizerJson;
        this.maxLength = spec.maxLength();
        this.skipLines = spec.skipLines();
        this.maxLines = spec.maxLines();
        this.pairs = spec.pairs();
        this.inputs = List.copyOf(inputs);
    }

    static TextDataSource create(TextReaderSpec spec, Path source, List<TensorInfo> modelInputs) {
        SourceFiles.requireExists(source, "a UTF-8 text file (optionally .gz) with one sample per line");
        if (!Files.isRegularFile(source)) {
            throw new DataException("data source " + source + " is not a file; the text reader needs a text file "
                    + "with one sample per line");
        }
        Location tok = spec.tokenizer();
        if (tok == null || !Storage.isFile(tok)) {
            throw new DataException("tokenizer file " + spec.tokenizer() + " does not exist; point 'tokenizer' at "
                    + "the model's HuggingFace tokenizer.json");
        }
        if (spec.maxLength() <= 0) {
            throw new DataException("text reader 'maxLength' is " + spec.maxLength() + "; use the model's maximum "
                    + "sequence length (e.g. 128 or 512)");
        }
        for (TensorInfo in : modelInputs) {
            if (!FEEDS.contains(in.name())) {
                throw new DataException("model input '" + in.name() + "' cannot be filled by the text reader, which "
                        + "produces only " + FEEDS + "; use an NPY reader for this model");
            }
            if (in.dtype() != null && in.dtype() != DType.INT64 && in.dtype() != DType.INT32) {
                throw new DataException("model input '" + in.name() + "' wants " + in.dtype() + " but token ids are "
                        + "integers; the text reader feeds INT64 or INT32 inputs only");
            }
        }
        // a remote tokenizer.json is read here, once, and its bytes ship with the source
        return new TextDataSource(source.toAbsolutePath().toString(), tok.isLocal()
                ? tok.path().toAbsolutePath().toString() : tok.toString(), tok.isLocal() ? null
                : SourceFiles.readAll(tok, "tokenizer file"), spec, modelInputs);
    }

    @Override
    public List<SampleRef> list() {
        List<SampleRef> refs = new ArrayList<>();
        int samples = 0;
        try (BufferedReader r = open()) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null && (maxLines == null || refs.size() < maxLines)) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                if (samples++ >= skipLines) {
                    if (pairs != null) {
                        PairRow.parse(line, pairs, number, file);
                    }
                    refs.add(new SampleRef(new SampleId("line-" + number), line, number, null));
                }
            }
        } catch (IOException e) {
            throw new DataException("cannot read text file " + file + ": " + e + "; check that it is readable UTF-8 "
                    + "(or gzip)", e);
        }
        if (refs.isEmpty()) {
            throw new DataException("text file " + file + " has no non-blank lines after skipping " + skipLines
                    + "; point the data source at text or lower 'skipLines'");
        }
        return refs;
    }

    private BufferedReader open() throws IOException {
        InputStream in = Files.newInputStream(Path.of(file));
        if (file.endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    @Override
    public Sample load(SampleRef ref) {
        if (pairs == null) {
            return new Sample(ref.id(), tensors(ref, List.of(encode(ref.locator()))), null);
        }
        PairRow row = PairRow.parse(ref.locator(), pairs, ref.index(), file);
        return new Sample(ref.id(), tensors(ref, List.of(encode(row.first()), encode(row.second()))), null,
                row.score());
    }

    private Map<String, long[]> encode(String text) {
        Encoding enc = (tokenizerJson == null ? Tokenizers.get(Path.of(tokenizer), maxLength)
                : Tokenizers.get(tokenizerJson, tokenizer, maxLength)).encode(text);
        return Map.of("input_ids", enc.getIds(), "attention_mask", enc.getAttentionMask(),
                "token_type_ids", enc.getTypeIds());
    }

    /** One row per encoding, zero-padded to the longest, as the model's input tensors. */
    private Map<String, Tensor> tensors(SampleRef ref, List<Map<String, long[]>> rows) {
        int length = rows.stream().mapToInt(r -> r.get("input_ids").length).max().orElse(0);
        Map<String, Tensor> tensors = new HashMap<>();
        for (TensorInfo in : inputs) {
            long[] v = new long[rows.size() * length];
            for (int r = 0; r < rows.size(); r++) {
                long[] row = rows.get(r).get(in.name());
                System.arraycopy(row, 0, v, r * length, row.length);
            }
            Tensor t = Tensors.convert(Tensor.ofLongs(new long[] {rows.size(), length}, v), in.dtype(),
                    "sample '" + ref.id() + "'");
            ModelInputs.checkShape(ref.id(), t, in);
            tensors.put(in.name(), t);
        }
        return tensors;
    }
}
