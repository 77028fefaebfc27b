package dev.sparkptq.config;

import dev.sparkptq.core.Location;

import java.io.Serializable;

/**
 * Text encoded with a HuggingFace {@code tokenizer.json} into the model's {@code input_ids}, {@code attention_mask}
 * and {@code token_type_ids} inputs (whichever the model has). Plain or {@code .gz} files; blank lines skipped.
 * With {@code pairs == null} each line is one sample (format {@code lines}); otherwise each line is a delimited row
 * holding two sentences and a gold score (format {@code pairs}, e.g. the STS Benchmark), and one sample is the pair
 * run as a batch of 2 with the score as its target.
 *
 * @param tokenizer  the {@code tokenizer.json} file, absolute: a local path or a Hadoop file-system URI (the driver
 *                   reads a remote one once and ships its bytes to the executors)
 * @param maxLength  truncate to this many tokens
 * @param skipLines  samples (lines or pairs) to skip at the start of the file (to keep calibration and evaluation
 *                   apart)
 * @param maxLines   samples to read at most, {@code null} for all
 * @param pairs      where a pair row keeps its sentences and score, {@code null} for one sentence per line
 */
public record TextReaderSpec(Location tokenizer, int maxLength, int skipLines, Integer maxLines, PairColumns pairs)
        implements ReaderSpec {

    /** How lines become samples. */
    public enum Format {
        /** one sample per line, the whole line is the text */
        LINES,
        /** one sample per line, a pair of sentences from two columns plus a score column */
        PAIRS
    }

    /**
     * Columns of a pair row, 1-based like {@code cut -f} (the STS Benchmark: score 5, sentences 6 and 7). Extra
     * columns are ignored; there is no quoting (STS sentences contain {@code "}), the delimiter simply splits.
     *
     * @param score     column of the gold score (a decimal number)
     * @param first     column of the first sentence
     * @param second    column of the second sentence
     * @param delimiter the literal column separator (default a tab)
     */
    public record PairColumns(int score, int first, int second, String delimiter) implements Serializable {
        /** The STS Benchmark layout: genre, file, year, id, score, sentence 1, sentence 2, tab-separated. */
        public static final PairColumns STS = new PairColumns(5, 6, 7, "\t");
    }

    /** One sentence per line. */
    public TextReaderSpec(Location tokenizer, int maxLength, int skipLines, Integer maxLines) {
        this(tokenizer, maxLength, skipLines, maxLines, null);
    }

    public Format format() {
        return pairs == null ? Format.LINES : Format.PAIRS;
    }

}
