package dev.sparkptq.data;

import dev.sparkptq.config.TextReaderSpec.PairColumns;
import dev.sparkptq.core.DataException;

import java.util.regex.Pattern;

/**
 * One row of a sentence-pair file (STS Benchmark style): two sentences and a gold score, read from 1-based columns.
 * The delimiter splits literally (no quoting: STS sentences contain {@code "}); extra trailing columns are ignored.
 *
 * @param first  the first sentence
 * @param second the second sentence
 * @param score  the gold score
 */
record PairRow(String first, String second, double score) {

    /**
     * Parses {@code line} (line {@code number} of {@code file}).
     *
     * @throws DataException when a column is missing, a sentence is blank or the score is not a finite number
     */
    static PairRow parse(String line, PairColumns columns, long number, String file) {
        String[] cols = line.split(Pattern.quote(columns.delimiter()), -1);
        int needed = Math.max(columns.score(), Math.max(columns.first(), columns.second()));
        if (cols.length < needed) {
            throw new DataException("line " + number + " of " + file + " has " + cols.length + " columns but the pair "
                    + "reader reads column " + needed + "; check 'delimiter' and the *_column settings (1-based)");
        }
        String first = cols[columns.first() - 1].strip();
        String second = cols[columns.second() - 1].strip();
        if (first.isEmpty() || second.isEmpty()) {
            throw new DataException("line " + number + " of " + file + " has an empty sentence in column "
                    + (first.isEmpty() ? columns.first() : columns.second()) + "; remove the row or fix the columns");
        }
        return new PairRow(first, second, score(cols[columns.score() - 1].strip(), columns, number, file));
    }

    private static double score(String text, PairColumns columns, long number, String file) {
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!Double.isFinite(v)) {
            throw new DataException("line " + number + " of " + file + " has '" + text + "' in score column "
                    + columns.score() + ", not a number; point score_column (1-based) at the gold score");
        }
        return v;
    }
}
