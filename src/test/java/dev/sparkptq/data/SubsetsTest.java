package dev.sparkptq.data;

import dev.sparkptq.core.SampleId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubsetsTest {
    private static List<SampleRef> refs(int n) {
        List<SampleRef> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SampleRef(new SampleId("s" + i), "f" + i, i, null));
        }
        return out;
    }

    @Test
    void withoutShuffleTakesTheFirstRefs() {
        assertEquals(refs(3), Subsets.select(refs(10), 3, false, 0));
    }

    @Test
    void nullOrOversizedSizeGivesEverything() {
        assertEquals(refs(5), Subsets.select(refs(5), null, true, 1));
        assertEquals(refs(5), Subsets.select(refs(5), 50, true, 1));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 42, -7})
    void shuffledSubsetIsDistinctInSourceOrderAndReproducible(long seed) {
        List<SampleRef> all = refs(100);
        List<SampleRef> a = Subsets.select(all, 10, true, seed);
        assertEquals(10, a.size());
        assertEquals(10, new HashSet<>(a).size());
        for (int i = 1; i < a.size(); i++) {
            assertTrue(a.get(i - 1).index() < a.get(i).index(), "source order");
        }
        assertEquals(a, Subsets.select(all, 10, true, seed));
    }

    @Test
    void differentSeedsDrawDifferentSubsetsThatCoverTheWholeSource() {
        List<SampleRef> all = refs(100);
        assertNotEquals(Subsets.select(all, 10, true, 1), Subsets.select(all, 10, true, 2));
        HashSet<SampleRef> seen = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            seen.addAll(Subsets.select(all, 10, true, seed));
        }
        assertTrue(seen.size() > 95, "a uniform draw reaches (almost) every sample: " + seen.size());
        assertTrue(seen.contains(all.get(99)) && seen.contains(all.get(0)));
    }

    @Test
    void negativeSizeIsABug() {
        assertThrows(IllegalArgumentException.class, () -> Subsets.select(refs(3), -1, false, 0));
    }
}
