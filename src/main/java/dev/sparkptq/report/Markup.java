package dev.sparkptq.report;

import java.util.Locale;

/**
 * Append-only builder of report.html's markup (HTML and inline SVG alike).
 *
 * <p>Why a builder and not string concatenation: every piece of text and every attribute value goes through
 * {@link #escape}, so user data (tensor names, paths, warnings) can never open a tag or a script. The output is also
 * XHTML-compatible (every element closed, attributes quoted, only numeric character references), so tests can parse
 * the whole page with the JDK's XML parser. Element and attribute names are always constants of our own code.
 *
 * <p>{@link #empty} writes {@code <tag/>}; use it only for HTML void elements (meta, br) and SVG shapes, because an
 * HTML parser reads {@code <div/>} as an unclosed {@code <div>}.
 */
public final class Markup {
    private final StringBuilder out = new StringBuilder(1 << 14);

    /** Opens {@code tag} with attributes given as name, value pairs; a null value leaves the attribute out. */
    public Markup open(String tag, String... attributes) {
        out.append('<').append(tag);
        attributes(attributes);
        out.append('>');
        return this;
    }

    public Markup close(String tag) {
        out.append("</").append(tag).append('>');
        return this;
    }

    /** A self-closed element: HTML void elements and SVG shapes only. */
    public Markup empty(String tag, String... attributes) {
        out.append('<').append(tag);
        attributes(attributes);
        out.append("/>");
        return this;
    }

    /** {@code <tag attributes>text</tag>}. */
    public Markup element(String tag, String text, String... attributes) {
        return open(tag, attributes).text(text).close(tag);
    }

    public Markup text(String text) {
        out.append(escape(text));
        return this;
    }

    /** Markup produced by another {@code Markup} (never user text): the SVG charts. */
    public Markup append(Markup other) {
        out.append(other.out);
        return this;
    }

    /** A newline between blocks, so that the page is readable as text and diffs are small. */
    public Markup line() {
        out.append('\n');
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void attributes(String... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come as name, value pairs");
        }
        for (int i = 0; i < attributes.length; i += 2) {
            if (attributes[i + 1] != null) {
                out.append(' ').append(attributes[i]).append("=\"").append(escape(attributes[i + 1])).append('"');
            }
        }
    }

    /**
     * Text safe inside an element or a double-quoted attribute in both HTML and XML: the five markup characters
     * become numeric references, and characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/U+FFFF) become
     * U+FFFD so that an odd tensor name cannot make the page malformed. Null becomes the empty string.
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> b.append("&#60;");
                case '>' -> b.append("&#62;");
                case '&' -> b.append("&#38;");
                case '"' -> b.append("&#34;");
                case '\'' -> b.append("&#39;");
                default -> i = appendChecked(b, text, i);
            }
        }
        return b.toString();
    }

    private static int appendChecked(StringBuilder b, String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            b.append(c).append(text.charAt(i + 1));
            return i + 1;
        }
        boolean allowed = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0xD800)
                || (c >= 0xE000 && c < 0xFFFE);
        b.append(allowed ? c : '\uFFFD');
        return i;
    }

    /** A coordinate or length for SVG: fixed one decimal, locale-independent, so the output is deterministic. */
    public static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
