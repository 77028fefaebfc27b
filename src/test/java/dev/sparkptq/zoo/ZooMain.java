package dev.sparkptq.zoo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The zoo harness from the command line ({@code bench/zoo.sh}): generates the data (kept between runs), quantizes
 * and measures every selected model, prints the table row by row and writes {@code OUT/zoo-<mode>.json}.
 *
 * <pre>
 *   --models a,b      zoo names (default: all)          --shared DIR   ../shared
 *   --data DIR        data root (default target/zoo-data) --out DIR    outputs (default target/zoo-out)
 *   --calib N         calibration samples (default 64)  --eval N       held-out samples (default 48)
 *   --max-drop X      -q accuracy_aware --max-drop X instead of -q default
 *   --samples N       latency samples per round (16)    --rounds R     interleaved rounds (7)
 *   --calib-limit N   quantize on N of the calibration samples (links; the data is not made again)
 *   --reuse           keep finished quantize results found in OUT (resume an interrupted table)
 *   --data-only       only make the data
 * </pre>
 */
public final class ZooMain {
    private ZooMain() {
    }

    public static void main(String[] argv) throws Exception {
        java.util.Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--data-only") || argv[i].equals("--reuse")) {
                a.put(argv[i], "true");
            } else if (i + 1 < argv.length) {
                a.put(argv[i], argv[++i]);
            } else {
                throw new IllegalArgumentException("option " + argv[i] + " needs a value");
            }
        }
        Path project = Path.of(a.getOrDefault("--project", ".")).toAbsolutePath().normalize();
        Path shared = Path.of(a.getOrDefault("--shared", project.resolve("../shared").toString())).normalize();
        Path data = Path.of(a.getOrDefault("--data", project.resolve("target/zoo-data").toString()));
        Path out = Path.of(a.getOrDefault("--out", project.resolve("target/zoo-out").toString()));
        int calib = Integer.parseInt(a.getOrDefault("--calib", "64"));
        int eval = Integer.parseInt(a.getOrDefault("--eval", "48"));
        Double maxDrop = a.containsKey("--max-drop") ? Double.valueOf(a.get("--max-drop")) : null;
        ZooData zooData = new ZooData(shared, data);
        List<ZooModel> models = ZooModel.select(shared, a.get("--models"));
        ZooRunner runner = new ZooRunner(new ZooRunner.Options(List.of(project.resolve("bin/spark-ptq").toString()),
                project, out, maxDrop,
                Integer.parseInt(a.getOrDefault("--samples", "16")), Integer.parseInt(a.getOrDefault("--rounds", "7")),
                Integer.parseInt(a.getOrDefault("--timeout-minutes", "40")),
                a.containsKey("--calib-limit") ? Integer.valueOf(a.get("--calib-limit")) : null,
                a.containsKey("--reuse")));
        List<ZooRow> rows = new ArrayList<>();
        System.out.println(ZooTable.header());
        for (ZooModel m : models) {
            Path dir = zooData.generate(m, calib, eval);
            if (a.containsKey("--data-only")) {
                System.out.println("| " + m.name() + " | data in " + dir + " |");
                continue;
            }
            ZooRow row = runner.run(m, dir);
            rows.add(row);
            System.out.println(ZooTable.row(row));
            ZooTable.writeJson(rows, out.resolve("zoo-" + (maxDrop == null ? "default" : "accuracy_aware")
                    + ".json"));
        }
        dev.sparkptq.runtime.ort.OrtEngineFactory.closeAll();
    }
}
