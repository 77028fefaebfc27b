package dev.sparkptq.storage;

import dev.sparkptq.core.Location;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A local folder through java.nio: renames are atomic within one file system. */
final class LocalFolder implements Folder {
    private final Path dir;

    LocalFolder(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public Location location() {
        return Location.of(dir);
    }

    @Override
    public boolean atomicRename() {
        return true;
    }

    @Override
    public boolean isFile() {
        return Files.isRegularFile(dir);
    }

    @Override
    public boolean exists(String name) {
        return Files.exists(dir.resolve(name));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> p.getFileName().toString()
                .startsWith(prefix))) {
            s.forEach(p -> out.add(p.getFileName().toString()));
        }
        Collections.sort(out);
        return out;
    }

    @Override
    public void mkdirs(String name) throws IOException {
        Files.createDirectories(dir.resolve(name));
    }

    @Override
    public void write(String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
    }

    @Override
    public void upload(Path local, String name) throws IOException {
        Files.copy(local, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public byte[] read(String name) throws IOException {
        return Files.readAllBytes(dir.resolve(name));
    }

    @Override
    public void rename(String from, String to) throws IOException {
        move(dir.resolve(from), dir.resolve(to), false);
    }

    @Override
    public void replace(String from, String to) throws IOException {
        move(dir.resolve(from), dir.resolve(to), true);
    }

    private static void move(Path from, Path to, boolean replace) throws IOException {
        try {
            if (replace) {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        Path p = dir.resolve(name);
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
