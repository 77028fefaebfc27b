package dev.sparkptq.core;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a file or folder lives: a local path, or a URI of another file system ({@code hdfs://}, {@code s3a://},
 * {@code gs://}, {@code abfs://} …, reached through Hadoop's {@code FileSystem} by the {@code storage} package).
 *
 * <p>Why a type of its own: {@code Path.of("hdfs://nn:9000/calib")} is a <em>relative local</em> path
 * ({@code hdfs:/nn:9000/calib} under the current folder), so a path that names a file system must never become a
 * {@link Path}. Text with a scheme of two or more letters is a URI; {@code file:} URIs and everything else (including
 * Windows drive letters such as {@code C:\data}) are local paths. A local location is absolute and normalized; a
 * remote one is an absolute, normalized URI without a trailing slash (its root keeps {@code /}). Relative text
 * resolves against a base folder of either kind ({@link #resolve}), as paths in a config file resolve against the
 * config's folder.
 *
 * @param scheme lower-case URI scheme, or {@code null} for a local path
 * @param text   the absolute local path, or the URI, as text
 */
public record Location(String scheme, String text) implements Serializable, Comparable<Location> {
    /** A URI scheme of at least two characters: one letter followed by a colon is a Windows drive. */
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");

    public Location {
        Objects.requireNonNull(text, "text");
    }

    /** A local path, made absolute and normalized. */
    public static Location of(Path path) {
        return new Location(null, path.toAbsolutePath().normalize().toString());
    }

    /**
     * Text as the user wrote it: a URI when it starts with a scheme, else a local path (relative paths against the
     * current folder).
     *
     * @throws ConfigException when the text is neither a valid URI nor a valid path
     */
    public static Location parse(String text) {
        return of(Path.of("")).resolve(text);
    }

    /** Whether {@code text} names a scheme (other than {@code file:}), i.e. is not a local path. */
    public static boolean hasScheme(String text) {
        var m = SCHEME.matcher(text);
        return m.find() && !m.group(1).equalsIgnoreCase("file");
    }

    /**
     * {@code relative} resolved against this location taken as a folder: text with a scheme or an absolute local
     * path stands for itself; anything else is relative to this folder, on this folder's file system.
     *
     * @throws ConfigException when the text is neither a valid URI nor a valid path
     */
    public Location resolve(String relative) {
        Objects.requireNonNull(relative, "relative");
        var m = SCHEME.matcher(relative);
        if (m.find()) {
            return m.group(1).equalsIgnoreCase("file") ? fileUri(relative) : remote(relative);
        }
        if (isLocal() || isAbsoluteLocal(relative)) {
            try {
                Path p = Path.of(relative);
                return of(p.isAbsolute() ? p : path().resolve(p));
            } catch (InvalidPathException e) {
                throw new ConfigException("'" + relative + "' is not a valid path: " + e.getReason(), e);
            }
        }
        return new Location(scheme, root() + normalize(remotePath() + "/" + relative, relative));
    }

    private static boolean isAbsoluteLocal(String text) {
        try {
            return Path.of(text).isAbsolute();
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** Whether this is a path on the local file system. */
    public boolean isLocal() {
        return scheme == null;
    }

    /**
     * The local path.
     *
     * @throws ConfigException for a remote location: the caller reads only local files
     */
    public Path path() {
        if (!isLocal()) {
            throw new ConfigException(text + " is on a " + scheme + ":// file system, but this reads only local "
                    + "paths; copy it to a local path");
        }
        return Path.of(text);
    }

    /** The location as a URI ({@code file:} for a local path; other characters percent-encoded). */
    public URI uri() {
        if (isLocal()) {
            return path().toUri();
        }
        try {
            String authority = root().substring(scheme.length() + 3);
            return new URI(scheme, authority.isEmpty() ? null : authority, remotePath().isEmpty() ? "/"
                    : remotePath(), null, null);
        } catch (URISyntaxException e) {
            throw new ConfigException("'" + text + "' is not a valid URI: " + e.getReason(), e);
        }
    }

    /** The last name of the location (a file or folder name), empty for a root. */
    public String name() {
        if (isLocal()) {
            Path name = path().getFileName();
            return name == null ? "" : name.toString();
        }
        String p = remotePath();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /** The folder holding this location (itself for a root). */
    public Location parent() {
        if (isLocal()) {
            Path parent = path().getParent();
            return parent == null ? this : of(parent);
        }
        String p = remotePath();
        int cut = p.lastIndexOf('/');
        return cut <= 0 ? new Location(scheme, root() + "/") : new Location(scheme, root() + p.substring(0, cut));
    }

    /** The entry {@code name} inside this folder. */
    public Location child(String name) {
        return resolve(isLocal() || !hasScheme(name) && !name.startsWith("/") ? name : "./" + name);
    }

    /** The file system this location lives on: {@code scheme://authority}, or {@code file:} for a local path. */
    public String fileSystem() {
        return isLocal() ? "file:" : root();
    }

    /** {@code scheme://authority} of a remote location. */
    private String root() {
        int slash = text.indexOf('/', scheme.length() + 3);
        return slash < 0 ? text : text.substring(0, slash);
    }

    /** The path part of a remote location: empty or starting with '/', never ending with '/' except the root. */
    private String remotePath() {
        String p = text.substring(root().length());
        return p.equals("/") ? "" : p;
    }

    private static Location fileUri(String text) {
        try {
            return of(Path.of(new URI(text.replace(" ", "%20"))));
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new ConfigException("'" + text + "' is not a valid file: URI (write file:///absolute/path or a "
                    + "plain path)", e);
        }
    }

    /**
     * A URI as written, kept unencoded as Hadoop's {@code Path(String)} reads it: {@code scheme://authority/path},
     * the scheme lower-cased, the path normalized.
     */
    private static Location remote(String text) {
        int colon = text.indexOf(':');
        String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = text.substring(colon + 1);
        if (!rest.startsWith("//") || rest.contains("?") || rest.contains("#")) {
            throw new ConfigException("'" + text + "' is not a file-system URI; write " + scheme + "://host/path "
                    + "(e.g. hdfs://namenode:8020/data, s3a://bucket/data) or a local path");
        }
        int slash = rest.indexOf('/', 2);
        String authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        return new Location(scheme, scheme + "://" + authority + normalize(path, text));
    }

    /** "/a/./b//c/../d/" → "/a/b/d"; "" for the root. */
    private static String normalize(String path, String given) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new ConfigException("'" + given + "' climbs above the root of its file system with '..'");
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
    }

    @Override
    public int compareTo(Location o) {
        return text.compareTo(o.text);
    }

    @Override
    public String toString() {
        return text;
    }
}
