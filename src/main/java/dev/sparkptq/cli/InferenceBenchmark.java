package dev.sparkptq.cli;

import ai.onnx.proto.OnnxMl;

import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.LatencyClock;
import dev.sparkptq.runtime.LatencyComparison;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Side-by-side ONNX Runtime latency of several models on the same inputs (see {@link LatencyComparison}). */
final class InferenceBenchmark {
    private InferenceBenchmark() {
    }

    /**
     * @param msPerSample in the models' order (median wall-clock ms per sample)
     * @param ratios      every round's readings, for the speed-ups
     */
    record Result(List<Path> models, List<Double> msPerSample, int samples, int threads, int rounds,
                  LatencyRatios ratios) {
    }

    static Result run(List<Path> models, List<Map<String, Tensor>> inputs, int threads, int rounds) {
        OrtEngineFactory factory = new OrtEngineFactory();
        List<InferenceEngine> engines = new ArrayList<>();
        for (Path m : models) {
            engines.add(factory.open(blob(m), EngineOptions.forInference(threads)));
        }
        LatencyRatios ratios = timed(engines, inputs, threads, rounds);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            ms.add(ratios.ms(i, LatencyClock.WALL));
        }
        return new Result(models, ms, inputs.size(), threads, rounds, ratios);
    }

    /**
     * Interleaved rounds (A, B, A, B, ...) after a warm-up pass each; inputs stay in the runtime's native form and
     * outputs are not copied back, so what is timed is the inference.
     */
    static LatencyRatios timed(List<InferenceEngine> engines, List<Map<String, Tensor>> inputs, int threads,
                               int rounds) {
        for (InferenceEngine e : engines) {
            e.timePasses(inputs, 2);
        }
        return new LatencyRatios(LatencyComparison.rounds(engines, inputs, rounds, 1), threads);
    }

    /** Real samples: the config's evaluation data (or its calibration data). */
    static List<Map<String, Tensor>> inputsFromConfig(PtqConfig config, Path model, int samples) {
        Path source = config.engine().evalDataSource() != null ? config.engine().evalDataSource()
                : config.engine().dataSource();
        List<TensorInfo> inputs = new OrtEngineFactory().open(blob(model), EngineOptions.forInference(1)).inputs();
        DataSource data = DataSources.create(config.engine().reader(), source, inputs);
        List<SampleRef> refs = data.list();
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (SampleRef ref : refs.subList(0, Math.min(samples, refs.size()))) {
            out.add(data.load(ref).inputs());
        }
        return out;
    }

    /** Seeded uniform [0, 1) inputs for models whose inputs all have fixed shapes. */
    static List<Map<String, Tensor>> randomInputs(Path model, int samples, long seed) {
        List<TensorInfo> infos = new OrtEngineFactory().open(blob(model), EngineOptions.forInference(1)).inputs();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int s = 0; s < samples; s++) {
            Map<String, Tensor> in = new HashMap<>();
            for (TensorInfo i : infos) {
                long[] shape = i.shape();
                for (long d : shape) {
                    if (d < 0) {
                        throw new ConfigException("input '" + i.name() + "' of " + model + " has a dynamic shape; "
                                + "give --config so that inputs come from real data");
                    }
                }
                if (i.dtype() != DType.FLOAT) {
                    throw new ConfigException("input '" + i.name() + "' is " + i.dtype()
                            + "; give --config so that inputs come from real data");
                }
                float[] v = new float[(int) Tensor.numel(shape)];
                for (int k = 0; k < v.length; k++) {
                    v[k] = (float) rnd.nextDouble();
                }
                in.put(i.name(), Tensor.ofFloats(shape, v));
            }
            out.add(in);
        }
        return out;
    }

    static ModelBlob blob(Path model) {
        if (!Files.isRegularFile(model)) {
            throw new ConfigException("model " + model + " does not exist");
        }
        if (legacy(model)) {
            // ONNX Runtime cannot load a model that predates opset_import (IR version 1-2): compare its prepared
            // form, which quantize reads it as (legacy forms converted; exact in FP32)
            byte[] prepared = ModelIo.toBytes(dev.sparkptq.algorithms.Registry.prepared(ModelIo.load(model), s -> { })
                    .model());
            return ModelBlob.ofBytes(ModelIo.sha256(prepared), prepared);
        }
        // by path: ONNX Runtime then also finds external data next to the model
        return ModelBlob.ofPath(ModelIo.sha256(model) + "@" + model.toAbsolutePath(), model);
    }

    /** A model without a default-domain opset import, which ONNX Runtime refuses ("Missing opset"). */
    private static boolean legacy(Path model) {
        try {
            if (Files.size(model) > 200_000_000L) {
                return false; // IR 1-2 models are from 2017 and small; do not parse a large model twice
            }
        } catch (java.io.IOException e) {
            return false;
        }
        OnnxMl.ModelProto m = ModelIo.load(model);
        return m.getIrVersion() < 3 && m.getOpsetImportList().stream().noneMatch(o -> o.getDomain().isEmpty()
                || o.getDomain().equals("ai.onnx"));
    }
}
