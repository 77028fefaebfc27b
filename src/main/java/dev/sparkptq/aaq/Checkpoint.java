package dev.sparkptq.aaq;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.InternalException;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The search state in {@code <output>/aaq-checkpoint.json}, written atomically (temporary file + rename) after
 * every iteration, so an interrupted run leaves either the previous or the new state, never half of one; the next
 * save removes a temporary file that a {@code kill -9} left behind.
 */
final class Checkpoint {
    static final String FILE = "aaq-checkpoint.json";
    static final String TMP_PREFIX = ".aaq-checkpoint-";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Checkpoint() {
    }

    static void save(Path dir, SearchState state) {
        try {
            Files.createDirectories(dir);
            removeStale(dir);
            Path tmp = Files.createTempFile(dir, TMP_PREFIX, ".json");
            Files.write(tmp, JSON.writeValueAsBytes(state));
            try {
                Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new InternalException("cannot write the accuracy-aware checkpoint to " + dir + ": "
                    + e.getMessage() + "; check that the output folder is writable", e);
        }
    }

    /**
     * Temporary checkpoints that a run killed between writing one and renaming it left behind: one run writes a
     * folder at a time, so any such file is litter, never another run's checkpoint in progress.
     */
    private static void removeStale(Path dir) throws IOException {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, TMP_PREFIX + "*.json")) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The state saved in {@code dir}; refused when it belongs to another model or config. */
    static SearchState load(Path dir, String recipe) {
        return requireRecipe(read(dir), dir, recipe);
    }

    /**
     * The state saved in {@code dir}, not yet checked against the run's recipe: read before any job runs, so that a
     * folder without a (readable) checkpoint fails at once instead of after calibration.
     */
    static SearchState read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--resume " + dir + ": no " + FILE + " there; give the output folder of an "
                    + "interrupted accuracy-aware run");
        }
        SearchState s;
        try {
            JsonNode tree = JSON.readTree(file.toFile());
            int format = tree.path("format").asInt(0);
            if (format != SearchState.FORMAT) {
                throw new ConfigException("--resume: " + file + " has checkpoint format " + format + " but this "
                        + "spark-ptq reads format " + SearchState.FORMAT + "; resume with the version that wrote it, "
                        + "or remove it to start over");
            }
            s = JSON.treeToValue(tree, SearchState.class);
        } catch (IOException e) {
            throw new ConfigException("--resume: " + file + " is not a readable checkpoint (" + e.getMessage()
                    + "); remove it to start over");
        }
        return s;
    }

    /** {@code s} (read from {@code dir}), refused when it belongs to another model or config than {@code recipe}. */
    static SearchState requireRecipe(SearchState s, Path dir, String recipe) {
        if (!recipe.equals(s.recipe)) {
            throw new ConfigException("--resume: " + dir.resolve(FILE) + " belongs to another model or config; "
                    + "resume with the same config and model, or choose another output folder");
        }
        return s;
    }
}
