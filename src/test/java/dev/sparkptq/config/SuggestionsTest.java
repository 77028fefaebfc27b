package dev.sparkptq.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SuggestionsTest {
    private static final List<String> KEYS = List.of("stat_subset_size", "stat_batch_size", "shuffle_data", "seed",
            "preset", "weights", "activations");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "stat_subset_sise, stat_subset_size",   // one substitution
            "statSubsetSize, stat_subset_size",     // camelCase
            "STAT-BATCH-SIZE, stat_batch_size",     // case and dashes
            "shufle_data, shuffle_data",            // one deletion
            "preest, preset",                       // transposition
            "activation, activations",              // missing plural
            "wieghts, weights",                     // transposition
    })
    void suggestsTheClosestValidName(String wrong, String expected) {
        assertEquals(Optional.of(expected), Suggestions.closest(wrong, KEYS));
    }

    @ParameterizedTest(name = "{0} -> none")
    @CsvSource({"banana", "xyz", "compression", "s"})
    void offersNothingWhenNoNameIsClose(String wrong) {
        assertEquals(Optional.empty(), Suggestions.closest(wrong, KEYS));
    }

    @Test
    void prefixOfALongNameIsSuggested() {
        assertEquals(Optional.of("DefaultQuantization"),
                Suggestions.closest("DefaultQuant", List.of("DefaultQuantization", "MinMaxQuantization")));
    }

    @Test
    void tiesGoToTheEarlierCandidateAndExactMatchesAreNotSuggested() {
        assertEquals(Optional.of("max"), Suggestions.closest("mxx", List.of("max", "mix")));
        assertEquals(Optional.of("mix"), Suggestions.closest("mxx", List.of("mix", "max")));
        assertEquals(Optional.empty(), Suggestions.closest("max", List.of("max")));
        assertEquals(Optional.empty(), Suggestions.closest("max", List.of()));
    }

    @ParameterizedTest(name = "d({0},{1}) = {2}")
    @CsvSource({"abc, abc, 0", "abc, acb, 1", "abc, abd, 1", "abc, ab, 1", "kitten, sitting, 3", "ca, abc, 3",
            "'', abc, 3"})
    void distanceIsOptimalStringAlignment(String a, String b, int expected) {
        assertEquals(expected, Suggestions.distance(a, b));
    }
}
