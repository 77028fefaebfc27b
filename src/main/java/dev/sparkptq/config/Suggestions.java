package dev.sparkptq.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean …?" for misspelt keys, enum values and node names.
 *
 * <p>Names are compared after folding case and dropping {@code _}, {@code -} and spaces, so {@code statSubsetSize},
 * {@code stat-subset-size} and {@code STAT_SUBSET_SIZE} all match {@code stat_subset_size}. The distance is the
 * optimal-string-alignment variant of Damerau–Levenshtein (a swap of two neighbours costs 1, as typing errors do).
 * A candidate is only offered when it is reasonably close: at most 40 % of the longer name's length (at least 1), or
 * when one name is a prefix of the other and the shorter has at least 4 characters ({@code DefaultQuant}). An
 * unhelpful guess is worse than none, so anything further away yields no suggestion.
 */
public final class Suggestions {
    private static final double MAX_RELATIVE_DISTANCE = 0.4;
    private static final int MIN_PREFIX_LENGTH = 4;

    private Suggestions() {
    }

    /**
     * The valid name closest to {@code wrong}, if any is close enough. Ties go to the earlier name in {@code valid}'s
     * iteration order, so pass an ordered collection for deterministic messages. A name equal to {@code wrong} is
     * never suggested.
     */
    public static Optional<String> closest(String wrong, Collection<String> valid) {
        if (wrong == null || valid == null || valid.isEmpty()) {
            return Optional.empty();
        }
        String w = normalize(wrong);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : valid) {
            if (candidate == null || candidate.equals(wrong)) {
                continue;
            }
            String c = normalize(candidate);
            int d = distance(w, c);
            if (d < bestDistance && isCloseEnough(w, c, d)) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Optimal-string-alignment distance (insert, delete, substitute, swap adjacent; each costs 1). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[a.length()][b.length()];
    }

    private static boolean isCloseEnough(String w, String c, int distance) {
        int longer = Math.max(w.length(), c.length());
        int allowed = Math.max(1, (int) Math.floor(longer * MAX_RELATIVE_DISTANCE));
        if (distance <= allowed) {
            return true;
        }
        int shorter = Math.min(w.length(), c.length());
        return shorter >= MIN_PREFIX_LENGTH && (c.startsWith(w) || w.startsWith(c));
    }

    private static String normalize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch != '_' && ch != '-' && ch != ' ') {
                b.append(ch);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
