package dev.sparkptq.data;

/**
 * An 8-bit RGB image: {@code rgb} holds {@code height × width × 3} values in 0..255, row-major, channels interleaved
 * in R, G, B order. Kept as integers because Pillow resizes 8-bit images in fixed point and rounds to uint8.
 */
record RgbImage(int width, int height, int[] rgb) {
    RgbImage {
        if (width <= 0 || height <= 0 || rgb.length != width * height * 3) {
            throw new IllegalArgumentException("bad image " + width + "x" + height + " with " + rgb.length
                    + " values");
        }
    }

    int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c];
    }
}
