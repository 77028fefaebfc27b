package dev.sparkptq.zoo;

import dev.sparkptq.core.Tensor;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Text images rendered with TrueType fonts in headless AWT: PaddleOCR's text-line crops (height 48, aspect kept,
 * right-padded to 192, half of them upside down for the 0°/180° classifier) and scene photos with text blocks for
 * the text detector. Backgrounds are cut from real photos so the statistics are not those of flat synthetic pages.
 * Calibration and held-out sets use different photos, fonts and words ({@link Split}).
 */
final class TextImages {
    static final int LINE_H = 48;
    static final int LINE_W = 192;
    static final int SCENE = 640;
    private static final String[] WORDS = ("the quick brown fox jumps over lazy dog invoice total amount due date "
            + "street avenue road station platform exit entrance open closed sale price discount coffee tea bread "
            + "milk hotel restaurant pharmacy bank post office parking monday tuesday friday january march july "
            + "2023 2024 1987 42 100 15.99 7:30 +49 No. Tel. www example com name address city phone email order "
            + "receipt cash card change thank you welcome menu soup salad chicken beef rice noodles water juice "
            + "north south east west central market street museum library school hospital police fire emergency "
            + "Zürich Köln café naïve résumé ABC XYZ Ltd. GmbH Inc. & Co. #12 $5 €20 50% (a) [b]").split(" ");

    /** Which half of the material a set draws from, so calibration and held-out data differ. */
    enum Split { CALIBRATION, HELD_OUT }

    private TextImages() {
    }

    static List<Font> fonts(Split split) {
        String[] names = split == Split.CALIBRATION
                ? new String[] {"DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansCondensed.ttf"}
                : new String[] {"DejaVuSansMono.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSans-Oblique.ttf"};
        List<Font> out = new ArrayList<>();
        for (String n : names) {
            Path p = Path.of("/usr/share/fonts/truetype/dejavu", n);
            if (Files.isRegularFile(p)) {
                try {
                    out.add(Font.createFont(Font.TRUETYPE_FONT, p.toFile()));
                } catch (java.awt.FontFormatException | IOException e) {
                    throw new IllegalStateException("cannot load font " + p + ": " + e.getMessage(), e);
                }
            }
        }
        if (out.isEmpty()) {
            // the JDK's logical fonts still render real glyphs; Debian's fonts-dejavu is preferred (apt-get install)
            out.add(new Font(split == Split.CALIBRATION ? Font.SANS_SERIF : Font.MONOSPACED, Font.PLAIN, 12));
        }
        return out;
    }

    static String words(SplittableRandom rnd, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return b.toString();
    }

    /** A text-line crop as PaddleOCR's classifier gets it: [1,3,48,192], BGR, (x/255 − 0.5)/0.5, zero padding. */
    static Tensor line(BufferedImage photo, List<Font> fonts, SplittableRandom rnd, boolean upsideDown) {
        String text = words(rnd, 1 + rnd.nextInt(5));
        Font font = fonts.get(rnd.nextInt(fonts.size())).deriveFont((float) (28 + rnd.nextInt(12)));
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        FontMetrics fm = probe.createGraphics().getFontMetrics(font);
        int w = fm.stringWidth(text) + 12;
        int h = fm.getHeight() + 8;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        background(g, photo, rnd, w, h);
        g.setColor(contrasting(img, rnd));
        g.setFont(font);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.drawString(text, 6, 4 + fm.getAscent());
        g.dispose();
        if (upsideDown) {
            img = rotate180(img);
        }
        int rw = Math.min(LINE_W, (int) Math.ceil(LINE_H * (double) w / h));
        BufferedImage scaled = scale(img, rw, LINE_H);
        float[] data = new float[3 * LINE_H * LINE_W];
        int plane = LINE_H * LINE_W;
        for (int y = 0; y < LINE_H; y++) {
            for (int x = 0; x < rw; x++) {
                int rgb = scaled.getRGB(x, y);
                // BGR planes; padding stays 0, i.e. mid-grey after normalization (PaddleOCR pads with zeros)
                data[y * LINE_W + x] = ((rgb & 0xff) / 255f - 0.5f) / 0.5f;
                data[plane + y * LINE_W + x] = (((rgb >> 8) & 0xff) / 255f - 0.5f) / 0.5f;
                data[2 * plane + y * LINE_W + x] = (((rgb >> 16) & 0xff) / 255f - 0.5f) / 0.5f;
            }
        }
        return Tensor.ofFloats(new long[] {1, 3, LINE_H, LINE_W}, data);
    }

    /**
     * A photo with text blocks (signs, labels, paragraphs) as the text detector gets it: [1,3,640,640], BGR, x/255,
     * ImageNet mean/std.
     */
    static Tensor scene(BufferedImage photo, List<Font> fonts, SplittableRandom rnd) {
        BufferedImage img = scale(photo, SCENE, SCENE);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int blocks = 2 + rnd.nextInt(4);
        for (int b = 0; b < blocks; b++) {
            Font font = fonts.get(rnd.nextInt(fonts.size())).deriveFont((float) (14 + rnd.nextInt(40)));
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            int lines = 1 + rnd.nextInt(5);
            int x = rnd.nextInt(SCENE / 2);
            int y = fm.getAscent() + rnd.nextInt(SCENE - lines * fm.getHeight() - fm.getAscent() + 1);
            boolean panel = rnd.nextBoolean();
            Color ink = panel ? Color.BLACK : (rnd.nextBoolean() ? Color.WHITE : new Color(20, 20, 90));
            if (panel) {
                g.setColor(new Color(235 + rnd.nextInt(20), 235 + rnd.nextInt(20), 215 + rnd.nextInt(40)));
                g.fillRect(x - 6, y - fm.getAscent() - 6, SCENE / 2 + 12, lines * fm.getHeight() + 12);
            }
            g.setColor(ink);
            for (int l = 0; l < lines; l++) {
                g.drawString(words(rnd, 1 + rnd.nextInt(6)), x, y + l * fm.getHeight());
            }
        }
        g.dispose();
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        int plane = SCENE * SCENE;
        float[] data = new float[3 * plane];
        for (int y = 0; y < SCENE; y++) {
            for (int x = 0; x < SCENE; x++) {
                int rgb = img.getRGB(x, y);
                int[] bgr = {rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff};
                for (int c = 0; c < 3; c++) {
                    // the BGR channel c gets the statistics PaddleOCR lists for it (mean/std in its own order)
                    data[c * plane + y * SCENE + x] = (bgr[c] / 255f - mean[c]) / std[c];
                }
            }
        }
        return Tensor.ofFloats(new long[] {1, 3, SCENE, SCENE}, data);
    }

    static BufferedImage read(Path file) {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new IllegalStateException("not an image: " + file);
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void background(Graphics2D g, BufferedImage photo, SplittableRandom rnd, int w, int h) {
        int sw = Math.min(photo.getWidth(), w * 2);
        int sh = Math.min(photo.getHeight(), h * 2);
        int sx = rnd.nextInt(photo.getWidth() - sw + 1);
        int sy = rnd.nextInt(photo.getHeight() - sh + 1);
        g.drawImage(photo, 0, 0, w, h, sx, sy, sx + sw, sy + sh, null);
        // text is printed on a surface: wash the photo out towards a paper/sign colour, leaving its texture
        int tone = rnd.nextBoolean() ? 235 : 40;
        g.setColor(new Color(tone, tone, tone, 150 + rnd.nextInt(80)));
        g.fillRect(0, 0, w, h);
    }

    private static Color contrasting(BufferedImage img, SplittableRandom rnd) {
        int rgb = img.getRGB(img.getWidth() / 2, img.getHeight() / 2);
        int lum = ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
        int v = lum > 384 ? rnd.nextInt(60) : 200 + rnd.nextInt(56);
        return new Color(v, v, Math.min(255, v + rnd.nextInt(30)));
    }

    private static BufferedImage rotate180(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                out.setRGB(img.getWidth() - 1 - x, img.getHeight() - 1 - y, img.getRGB(x, y));
            }
        }
        return out;
    }

    private static BufferedImage scale(BufferedImage img, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}
