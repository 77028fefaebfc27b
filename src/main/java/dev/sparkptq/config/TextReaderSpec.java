package dev.sparkptq.config;

import java.nio.file.Path;

/**
 * Text lines (a plain or {@code .gz} file; blank lines skipped), each line one sample, encoded with a HuggingFace
 * {@code tokenizer.json} into the model's {@code input_ids}, {@code attention_mask} and {@code token_type_ids} inputs
 * (whichever the model has).
 *
 * @param tokenizer  the {@code tokenizer.json} file, absolute
 * @param maxLength  truncate to this many tokens
 * @param skipLines  lines to skip at the start of the file (to keep calibration and evaluation text apart)
 * @param maxLines   lines to read at most, {@code null} for all
 */
public record TextReaderSpec(Path tokenizer, int maxLength, int skipLines, Integer maxLines) implements ReaderSpec {

    /** {@link Path} is not serializable: ship paths as text (executors rebuild the record). */
    private Object writeReplace() {
        return new Proxy(SerialPaths.text(tokenizer), maxLength, skipLines, maxLines);
    }

    private record Proxy(String tokenizer, int maxLength, int skipLines, Integer maxLines)
            implements java.io.Serializable {
        private Object readResolve() {
            return new TextReaderSpec(SerialPaths.path(tokenizer), maxLength, skipLines, maxLines);
        }
    }
}
