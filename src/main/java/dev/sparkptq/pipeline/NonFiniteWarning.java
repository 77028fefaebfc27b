package dev.sparkptq.pipeline;

import dev.sparkptq.stats.StatisticsSet;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The warning for NaN/±Inf activation values that calibration skipped. A tensor that saw only NaN/Inf is an error
 * ({@link StatisticsSet#requireComplete()}); some NaN among finite values is survivable — ranges come from the
 * finite values — but never silent: the user learns which tensors and how many values.
 */
final class NonFiniteWarning {
    private static final int SHOWN = 3;

    private NonFiniteWarning() {
    }

    static Optional<String> of(StatisticsSet stats) {
        List<Map.Entry<String, Long>> hit = stats.nonFiniteElements().entrySet().stream()
                .filter(e -> e.getValue() > 0).toList();
        if (hit.isEmpty()) {
            return Optional.empty();
        }
        long total = hit.stream().mapToLong(Map.Entry::getValue).sum();
        List<String> shown = hit.stream().limit(SHOWN).map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
        return Optional.of(total + " NaN/Inf activation values were skipped in " + hit.size() + " tensor(s): "
                + String.join(", ", shown) + (hit.size() > SHOWN ? ", …" : "") + "; their ranges come from the "
                + "finite values only — check the calibration data");
    }
}
