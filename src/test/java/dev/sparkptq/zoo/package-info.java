/**
 * The zoo harness (test support): for every real model in {@code ../shared/models/zoo} (and SqueezeNet, MNIST-8,
 * YOLOX-nano) it makes calibration and held-out data with the model's real preprocessing ({@link ZooData}: images,
 * rendered text lines and text scenes, speech through the upstream FP32 models of an audio chain), runs the CLI as a
 * user would ({@code quantize -q default} or {@code -q accuracy_aware}) in a child process, and measures what came
 * out with {@code benchmark evaluate}: per-output fidelity to FP32 and interleaved one-thread latency
 * ({@link ZooRunner}, {@link ZooTable}). Entry points: {@link ZooMain} ({@code bench/zoo.sh}) and the e2e test
 * {@code ZooE2eTest}. It knows each model's preprocessing because a user does; the tool under test does not.
 */
package dev.sparkptq.zoo;
