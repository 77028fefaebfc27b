package dev.sparkptq.report;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    static final String SVG_NS = "http://www.w3.org/2000/svg";
    static final String EVIL = "<script>alert(1)</script>";
    static final String ODD_MODEL = "a<b>&\"c'.onnx";
    // The chart colours are part of the page's contract (the e2e screenshot test looks for them).
    static final String FP32 = "#4e79a7";
    static final String QUANTIZED = "#f28e2b";
    static final String ACTIVATION = "#59a14f";
    static final String WEIGHT = "#b07aa1";
    static final String TIMING = "#edc948";

    static RunReport.TensorSummary tensor(String name, String kind, double lo, double hi, String tiedTo) {
        boolean weight = kind.equals("weight");
        return new RunReport.TensorSummary(name, kind, weight ? "INT8" : "UINT8", weight ? 0 : -1, weight ? 16 : 1,
                0.002f, weight ? 0.004f : 0.002f, weight ? 0 : 3, weight ? -127 : 0, weight ? 127 : 255, lo, hi,
                tiedTo);
    }

    static RunReport report(boolean evaluated, boolean withTensors, boolean withTimings) {
        List<RunReport.TensorSummary> tensors = withTensors ? List.of(
                tensor("conv1_out", "activation", 0, 6, null),
                tensor("conv1.weight", "weight", -0.5, 0.5, null),
                tensor(EVIL, "activation", -1.25, 300, null),
                tensor("concat_in_2", "activation", 0, 6, "conv1_out")) : List.of();
        var q = new RunReport.QuantizationSummary("performance", "ANY", "default", 3, tensors.size(), 3, 1,
                Map.of("Conv", 2, "Add", 1), List.of("node 'x & y' left in FP32"), tensors);
        var metrics = evaluated ? new RunReport.MetricsSummary("/data/eval", 500, 0, Map.of("top1", 0.98),
                Map.of("top1", 0.975), Map.of("top1", 0.005)) : null;
        Map<String, Long> timings = new LinkedHashMap<>();
        if (withTimings) {
            timings.put("load", 120L);
            timings.put("statistics", 2400L);
            timings.put("quantize", 80L);
            timings.put("total", 2650L);
        }
        return new RunReport(1, "spark-ptq", "0.0-test",
                new RunReport.Provenance("c".repeat(64), "f".repeat(64), 7, "in-process"), null,
                new RunReport.ModelSummary("/models/" + ODD_MODEL, "f".repeat(64), 13, 40, 4_000_000),
                new RunReport.OutputSummary("/out/model.onnx", 1_000_000, 0.25, null),
                new RunReport.CalibrationSummary("/data/calib", 300, 300, 300, 4, 1, true, 7, 0, 1, 0,
                        List.of("3 samples had <b>NaN</b>"), null),
                q, metrics, timings, null, null);
    }

    static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> elements(Document d, String ns, String tag) {
        NodeList list = ns == null ? d.getElementsByTagName(tag) : d.getElementsByTagNameNS(ns, tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    static long rectsFilled(Document d, String fill) {
        return elements(d, SVG_NS, "rect").stream().filter(r -> r.getAttribute("fill").equals(fill)).count();
    }

    @Test
    void userStringsAreEscapedSoNoScriptElementAppears() throws Exception {
        String html = HtmlReport.render(report(true, true, true));
        assertFalse(html.toLowerCase().contains("<script"), "a raw <script> tag leaked into the page");
        assertFalse(html.contains("<b>"), "warning text was not escaped");
        Document d = parse(html);
        assertEquals(0, elements(d, null, "script").size() + elements(d, SVG_NS, "script").size());
        assertTrue(elements(d, null, "td").stream().anyMatch(td -> td.getTextContent().equals(EVIL)),
                "the tensor name must survive as text");
        assertTrue(d.getDocumentElement().getTextContent().contains("3 samples had <b>NaN</b>"));
        assertEquals("spark-ptq report: " + ODD_MODEL, elements(d, null, "title").get(0).getTextContent());
    }

    @Test
    void wholePageIsWellFormedXmlWithSvgInItsNamespace() throws Exception {
        Document d = parse(HtmlReport.render(report(true, true, true)));
        assertEquals("html", d.getDocumentElement().getLocalName());
        // size chart, metrics chart, axis + one bar per tensor, timings chart
        assertEquals(1 + 1 + 1 + 4 + 1, elements(d, SVG_NS, "svg").size());
        for (Element svg : elements(d, SVG_NS, "svg")) {
            assertFalse(svg.getAttribute("width").isEmpty());
            assertFalse(svg.getAttribute("viewBox").isEmpty());
        }
    }

    @Test
    void eachSvgFragmentParsesOnItsOwn() throws Exception {
        String html = HtmlReport.render(report(true, true, true));
        Matcher m = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL).matcher(html);
        int n = 0;
        while (m.find()) {
            Document svg = parse(m.group());
            assertEquals(SVG_NS, svg.getDocumentElement().getNamespaceURI());
            n++;
        }
        assertEquals(8, n);
    }

    @Test
    void theOnlyUrlIsTheSvgNamespaceAndNothingIsFetched() {
        String html = HtmlReport.render(report(true, true, true));
        Matcher m = Pattern.compile("(?i)https?://[^\"'\\s)<>]*").matcher(html);
        while (m.find()) {
            assertEquals(SVG_NS, m.group());
        }
        for (String fetch : List.of("src=", "<link", "url(", "@import", "<script", "<img", "<iframe")) {
            assertFalse(html.toLowerCase().contains(fetch), "the page must not reference " + fetch);
        }
        assertTrue(html.contains("default-src 'none'") || html.contains("default-src &#39;none&#39;"),
                "a Content-Security-Policy forbids fetches");
    }

    @Test
    void everySectionWithDataDrawsItsChart() throws Exception {
        Document d = parse(HtmlReport.render(report(true, true, true)));
        for (String id : List.of("summary", "metrics", "ranges", "timings")) {
            assertTrue(elements(d, null, "section").stream().anyMatch(s -> s.getAttribute("id").equals(id)), id);
        }
        assertEquals(1, rectsFilled(d, FP32));
        assertEquals(1, rectsFilled(d, QUANTIZED));
        assertEquals(3, rectsFilled(d, ACTIVATION), "three activation quantizers");
        assertEquals(1, rectsFilled(d, WEIGHT));
        assertEquals(3, rectsFilled(d, TIMING), "one bar per stage, total is not a bar");
        String text = d.getDocumentElement().getTextContent();
        for (String expected : List.of("0.9800", "0.9750", "0.0050", "4,000,000 B", "0.250 (4.00\u00d7 smaller)",
                "Conv", "performance", "node 'x & y' left in FP32", "total 2,650 ms", "2,400 ms (90.6 %)")) {
            assertTrue(text.contains(expected), "page text lacks " + expected);
        }
    }

    @Test
    void tiedQuantizersAreMarked() throws Exception {
        Document d = parse(HtmlReport.render(report(true, true, true)));
        Element tiedCell = elements(d, null, "td").stream()
                .filter(td -> td.getAttribute("title").equals("tied: reuses the parameters of conv1_out"))
                .findFirst().orElse(null);
        assertNotNull(tiedCell, "the tied quantizer's kind cell names the tensor it is tied to");
        assertTrue(tiedCell.getTextContent().contains("\u2194"));
        long pale = elements(d, SVG_NS, "rect").stream().filter(r -> r.getAttribute("fill-opacity").equals("0.4"))
                .count();
        assertEquals(1, pale);
    }

    @Test
    void missingDataIsSaidInOneLineAndNotDrawn() throws Exception {
        Document d = parse(HtmlReport.render(report(false, false, false)));
        String text = d.getDocumentElement().getTextContent();
        assertTrue(text.contains("Not evaluated: run with --evaluate"));
        assertTrue(text.contains("No tensor was quantized."));
        assertTrue(text.contains("No timings recorded."));
        assertEquals(0, rectsFilled(d, FP32) + rectsFilled(d, ACTIVATION) + rectsFilled(d, TIMING));
    }

    @Test
    void plannedSectionsArePlaceholdersUntilACallerPassesThem() throws Exception {
        String plain = HtmlReport.render(report(true, true, true));
        assertEquals(3, plain.split("Not computed in this run", -1).length - 1);
        var sqnr = new BarChartSection("layer-sqnr", "Per-layer SQNR", "Higher is better.",
                List.of(new SvgBarChart.Bar(EVIL, 31.5, "31.5 dB", "#123456")));
        String html = HtmlReport.render(report(true, true, true), List.of(sqnr));
        assertEquals(2, html.split("Not computed in this run", -1).length - 1);
        Document d = parse(html);
        assertEquals(1, rectsFilled(d, "#123456"));
        assertEquals(1, elements(d, null, "section").stream().filter(s -> s.getAttribute("id").equals("layer-sqnr"))
                .count());
        var clash = new BarChartSection("metrics", "Again", "", List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HtmlReport.render(report(true, true, true), List.of(clash)));
        assertTrue(e.getMessage().contains("'metrics'"), e.getMessage());
    }

    @Test
    void sameReportGivesTheSameBytes() {
        assertEquals(HtmlReport.render(report(true, true, true)), HtmlReport.render(report(true, true, true)));
        assertTrue(new String(HtmlReport.toHtml(report(true, true, true)), StandardCharsets.UTF_8)
                .startsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
    }

    @Test
    void theStyleSheetNeedsNoEscaping() {
        assertEquals(ReportStyle.CSS, Markup.escape(ReportStyle.CSS),
                "a style element is not entity-decoded: keep quotes and angle brackets out of the CSS");
    }
}
