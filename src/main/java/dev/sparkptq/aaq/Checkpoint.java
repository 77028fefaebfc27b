package dev.sparkptq.aaq;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.InternalException;

import dev.sparkptq.core.Location;
import dev.sparkptq.storage.Folder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The search state in {@code <output>/aaq-checkpoint.json} on the output's file system, written atomically after
 * every iteration (temporary file + rename, or one PUT on object stores), so an interrupted run leaves either the
 * previous or the new state, never half of one; the next save removes a temporary file that a {@code kill -9} left
 * behind.
 */
final class Checkpoint {
    static final String FILE = "aaq-checkpoint.json";
    static final String TMP_PREFIX = ".aaq-checkpoint-";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Checkpoint() {
    }

    static void save(Path dir, SearchState state) {
        save(Location.of(dir), state);
    }

    /**
     * Saves where renames are atomic (local disks, HDFS) as a temporary file renamed over the checkpoint; on object
     * stores as one PUT of the whole file (the earlier object stays readable until the new one is complete).
     */
    static void save(Location dir, SearchState state) {
        Folder f = Folder.of(dir);
        try {
            f.mkdirs("");
            for (String stale : f.list(TMP_PREFIX)) {
                if (stale.endsWith(".json")) { // one run writes a folder at a time: litter of a killed run
                    f.delete(stale);
                }
            }
            byte[] bytes = JSON.writeValueAsBytes(state);
            if (f.atomicRename()) {
                String tmp = TMP_PREFIX + UUID.randomUUID() + ".json";
                f.write(tmp, bytes);
                f.replace(tmp, FILE);
            } else {
                f.write(FILE, bytes);
            }
        } catch (IOException e) {
            throw new InternalException("cannot write the accuracy-aware checkpoint to " + dir + ": "
                    + e.getMessage() + "; check that the output folder is writable", e);
        }
    }

    /** The state saved in {@code dir}; refused when it belongs to another model or config. */
    static SearchState load(Path dir, String recipe) {
        return requireRecipe(read(Location.of(dir)), Location.of(dir), recipe);
    }

    /**
     * The state saved in {@code dir}, not yet checked against the run's recipe: read before any job runs, so that a
     * folder without a (readable) checkpoint fails at once instead of after calibration.
     */
    static SearchState read(Location dir) {
        Location file = dir.child(FILE);
        Folder f = Folder.of(dir);
        byte[] bytes;
        try {
            if (!f.exists(FILE) || f.isFile()) {
                throw new ConfigException("--resume " + dir + ": no " + FILE + " there; give the output folder of "
                        + "an interrupted accuracy-aware run");
            }
            bytes = f.read(FILE);
        } catch (IOException e) {
            throw new ConfigException("--resume: cannot read " + file + " (" + e.getMessage() + ")", e);
        }
        try {
            JsonNode tree = JSON.readTree(bytes);
            int format = tree.path("format").asInt(0);
            if (format != SearchState.FORMAT) {
                throw new ConfigException("--resume: " + file + " has checkpoint format " + format + " but this "
                        + "spark-ptq reads format " + SearchState.FORMAT + "; resume with the version that wrote it, "
                        + "or remove it to start over");
            }
            return JSON.treeToValue(tree, SearchState.class);
        } catch (IOException e) {
            throw new ConfigException("--resume: " + file + " is not a readable checkpoint (" + e.getMessage()
                    + "); remove it to start over");
        }
    }

    /** {@code s} (read from {@code dir}), refused when it belongs to another model or config than {@code recipe}. */
    static SearchState requireRecipe(SearchState s, Location dir, String recipe) {
        if (!recipe.equals(s.recipe)) {
            throw new ConfigException("--resume: " + dir.child(FILE) + " belongs to another model or config; "
                    + "resume with the same config and model, or choose another output folder");
        }
        return s;
    }
}
