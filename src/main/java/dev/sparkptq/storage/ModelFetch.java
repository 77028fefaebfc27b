package dev.sparkptq.storage;

import dev.sparkptq.core.Location;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.graph.ModelIo;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The driver's one read of a model that lives on another file system: the model file and the external-data files it
 * names are copied into a folder of the run (owner-only, deleted with the run), where {@link ModelIo#load} reads them
 * as it reads any local model. Executors never see this copy: they receive the model as bytes in the job's broadcast.
 *
 * <p>External-data locations are checked before anything beyond the model file is read, with the rule of local
 * models ({@code graph/ExternalData}): relative to the model's folder, no scheme, no {@code ..}. Locally,
 * {@link ModelIo#load} then checks the copies again (regular files inside the folder).
 */
public final class ModelFetch {
    private ModelFetch() {
    }

    /**
     * A local path of the model at {@code model}: itself when local, else a copy in {@code workDir/model/}.
     *
     * @throws ModelException when the model or one of its external-data files is missing or not allowed
     */
    public static Path local(Location model, Path workDir) {
        if (model.isLocal()) {
            return model.path();
        }
        Storage.check(model, "model");
        Path dir = workDir.resolve("model");
        Path file = dir.resolve(model.name().isEmpty() ? "model.onnx" : model.name());
        copy(model, file, "model file " + model + " does not exist; check the model URI");
        Location folder = model.parent();
        for (String location : ModelIo.externalDataLocations(file, folder.toString())) {
            Path target = dir.resolve(location).normalize();
            copy(folder.resolve(location), target, "external data file '" + location + "' of the model does not "
                    + "exist in " + folder + "; copy it next to the model");
        }
        return file;
    }

    private static void copy(Location from, Path to, String missing) {
        try {
            Files.createDirectories(to.getParent());
            Storage.copyToLocal(from, to);
        } catch (FileNotFoundException e) {
            throw new ModelException(missing, e);
        } catch (IOException e) {
            throw new ModelException("cannot read " + from + ": " + e.getMessage(), e);
        }
    }
}
