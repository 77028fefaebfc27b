package dev.sparkptq.runtime.ort;

/** Turns ORT's multi-line, sometimes very long error texts into one readable line. */
final class OrtMessages {
    /** ORT can embed whole node dumps in a message; the first few hundred characters carry the diagnosis. */
    private static final int MAX_CHARS = 400;

    private OrtMessages() {
    }

    static String oneLine(Throwable t) {
        String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() <= MAX_CHARS ? flat : flat.substring(0, MAX_CHARS) + "...";
    }
}
