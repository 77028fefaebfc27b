package dev.sparkptq.storage;

import dev.sparkptq.core.Location;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.permission.FsPermission;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A folder on a Hadoop file system. On HDFS a rename is one NameNode operation, atomic, and the staging folders are
 * created owner-only ({@code rwx------}) like local ones. On object stores (S3, GCS, Azure) a rename is a copy and a
 * delete: {@link #atomicRename} is false there, and each {@link #write}/{@link #upload} is a single object that
 * becomes visible only when complete (the stream is one PUT or a multipart upload committed on close).
 */
final class HadoopFolder implements Folder {
    private static final FsPermission OWNER_ONLY = new FsPermission((short) 0700);
    private final Location location;

    HadoopFolder(Location location) {
        this.location = location;
    }

    private FileSystem fs() throws IOException {
        return Storage.fs(location);
    }

    private org.apache.hadoop.fs.Path path(String name) {
        return Storage.hadoop(name.isEmpty() ? location : location.resolve(name));
    }

    @Override
    public Location location() {
        return location;
    }

    @Override
    public boolean atomicRename() {
        return !Connectors.isObjectStore(location.scheme());
    }

    @Override
    public boolean isFile() throws IOException {
        try {
            return fs().getFileStatus(path("")).isFile();
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    @Override
    public boolean exists(String name) throws IOException {
        return fs().exists(path(name));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        try {
            for (FileStatus st : fs().listStatus(path(""))) {
                String n = st.getPath().getName();
                if (n.startsWith(prefix)) {
                    out.add(n);
                }
            }
        } catch (FileNotFoundException e) {
            return out;
        }
        Collections.sort(out);
        return out;
    }

    @Override
    public void mkdirs(String name) throws IOException {
        if (!name.isEmpty() && atomicRename()) {
            fs().mkdirs(path(name), OWNER_ONLY); // a staging folder of this run: nobody else reads it
        } else {
            fs().mkdirs(path(name));
        }
    }

    @Override
    public void write(String name, byte[] bytes) throws IOException {
        try (FSDataOutputStream out = fs().create(path(name), true)) {
            out.write(bytes);
        }
    }

    @Override
    public void upload(Path local, String name) throws IOException {
        try (FSDataOutputStream out = fs().create(path(name), true); InputStream in = Files.newInputStream(local)) {
            in.transferTo(out);
        }
    }

    @Override
    public byte[] read(String name) throws IOException {
        try (InputStream in = fs().open(path(name))) {
            return in.readAllBytes();
        }
    }

    @Override
    public void rename(String from, String to) throws IOException {
        if (!fs().rename(path(from), path(to))) {
            throw new IOException("cannot rename " + path(from) + " to " + path(to)
                    + (fs().exists(path(to)) ? " (the target exists)" : ""));
        }
    }

    /** HDFS: FileContext's rename with OVERWRITE, one atomic NameNode operation; elsewhere delete, then rename. */
    @Override
    public void replace(String from, String to) throws IOException {
        if (atomicRename()) {
            try {
                FileContext.getFileContext(location.uri(), Storage.conf())
                        .rename(path(from), path(to), Options.Rename.OVERWRITE);
                return;
            } catch (org.apache.hadoop.fs.UnsupportedFileSystemException e) {
                // no AbstractFileSystem for this scheme: fall through
            }
        }
        fs().delete(path(to), false);
        rename(from, to);
    }

    @Override
    public void delete(String name) throws IOException {
        fs().delete(path(name), true);
    }
}
