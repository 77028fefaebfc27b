package dev.sparkptq.e2e;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * report.html as a person sees it: a real MNIST-8 quantization with --evaluate, the page rendered by headless
 * Chromium, and the screenshot checked for each chart's colour (so every plot was drawn, with real data) and for
 * not being blank. Chromium is required, not optional: CI installs it in .ci/run, and a missing browser fails this
 * test. The screenshot is kept in target/report-html-e2e/ for a look.
 */
@Tag("e2e")
public class ReportHtmlE2eTest {
    /** Chart colours (the page's contract) and the fewest pixels of each a 1280×2400 screenshot must show. */
    static final Map<String, Integer> CHART_PIXELS = new LinkedHashMap<>();

    static {
        CHART_PIXELS.put("metrics FP32 bar #4e79a7", 2000);
        CHART_PIXELS.put("metrics quantized bar #f28e2b", 2000);
        CHART_PIXELS.put("activation range bars #59a14f", 1000);
        CHART_PIXELS.put("weight range bars #b07aa1", 500);
        CHART_PIXELS.put("zero marks #e15759", 50);
        CHART_PIXELS.put("stage time bars #edc948", 500);
        CHART_PIXELS.put("size bars #9c755f", 300);
    }

    @Test
    void quantizedMnistReportRendersWithEveryChart(@TempDir Path tmp) throws Exception {
        Path chromium = chromium();
        long start = System.nanoTime();
        Path shared = E2e.shared();
        MnistE2eTest.writeNpySplit(shared.resolve("data/mnist"), tmp);
        // the speed guard off: MNIST-8 runs in ~30 µs, where INT8 is not faster and the guard would write the FP32 model
        // (a report without the range charts this test renders)
        Path config = Files.writeString(tmp.resolve("mnist-npy.json"),
                MnistE2eTest.withoutSpeedGuard(MnistE2eTest.config(shared, 2)));
        Path out = tmp.resolve("out");
        E2e.cliOk("quantize", "-c", config.toString(), "--evaluate", "--output-dir", out.toString(),
                "--master", "local[2]");
        long quantized = System.nanoTime();
        Path html = out.resolve("report.html");
        assertTrue(Files.isRegularFile(html), "report.html must sit next to report.json");
        assertTrue(Files.isRegularFile(out.resolve("report.json")));
        assertEquals(List.of(), Files.list(out).map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith(".spark-ptq-tmp")).toList(), "temporary folder left behind");
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(html.toFile()); // well-formed

        Path png = screenshot(chromium, html, tmp);
        long rendered = System.nanoTime();
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1280, img.getWidth());
        keep(png);
        for (Map.Entry<String, Integer> e : CHART_PIXELS.entrySet()) {
            String hex = e.getKey().substring(e.getKey().indexOf('#') + 1);
            long n = countColour(img, Integer.parseInt(hex, 16));
            System.out.printf("report.html screenshot: %s: %d pixels%n", e.getKey(), n);
            assertTrue(n > e.getValue(), e.getKey() + ": only " + n + " pixels in the screenshot (want > "
                    + e.getValue() + "); see target/report-html-e2e/report.png");
        }
        assertNotBlank(img);
        System.out.printf("ReportHtmlE2eTest: quantize+evaluate %.1f s, chromium screenshot %.1f s%n",
                (quantized - start) / 1e9, (rendered - quantized) / 1e9);
    }

    /** Debian's chromium; the test fails (not skips) without it, because CI is meant to install it. */
    static Path chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return fail("chromium is not installed; the report.html e2e test renders the page with headless Chromium: "
                + "apt-get install chromium (.ci/run does this on CI)");
    }

    static Path screenshot(Path chromium, Path html, Path tmp) throws Exception {
        Path png = tmp.resolve("report.png");
        Path profile = Files.createDirectories(tmp.resolve("chromium-profile"));
        Path log = tmp.resolve("chromium.log");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--screenshot=" + png,
                "--window-size=1280,2400", html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish the screenshot in 120 s; its output:\n" + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), "chromium failed; its output:\n" + Files.readString(log));
        assertTrue(Files.size(png) > 0, "chromium wrote no screenshot; its output:\n" + Files.readString(log));
        return png;
    }

    /** Pixels within ±2 per channel of {@code rgb} (exact fills; antialiased edges do not count). */
    static long countColour(BufferedImage img, int rgb) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y);
                if (close(c >> 16, rgb >> 16) && close(c >> 8, rgb >> 8) && close(c, rgb)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean close(int a, int b) {
        return Math.abs((a & 0xff) - (b & 0xff)) <= 2;
    }

    /** A blank or unstyled page has few colours and no text; a rendered report has text, cards and charts. */
    static void assertNotBlank(BufferedImage img) {
        Set<Integer> colours = new HashSet<>();
        long dark = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y);
                colours.add(c & 0xffffff);
                dark += ((c >> 16) & 0xff) + ((c >> 8) & 0xff) + (c & 0xff) < 300 ? 1 : 0;
            }
        }
        double darkShare = dark / ((double) img.getWidth() * img.getHeight());
        System.out.printf("report.html screenshot: %d colours, %.2f %% dark (text) pixels%n", colours.size(),
                100 * darkShare);
        assertTrue(colours.size() > 200, "the screenshot has only " + colours.size() + " colours: blank page?");
        assertTrue(darkShare > 0.005, "only " + 100 * darkShare + " % of the screenshot is text-dark: blank page?");
    }

    private static void keep(Path png) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "report-html-e2e"));
        Files.copy(png, dir.resolve("report.png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
