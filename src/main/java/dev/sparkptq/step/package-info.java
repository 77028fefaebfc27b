/**
 * Algorithms as steps (DESIGN convention 3): the one shape every quantization algorithm takes, as in POT
 * ({@code register_statistics} + {@code run}) and NNCF ({@code get_statistic_points} + {@code apply}).
 *
 * <h2>The contract</h2>
 * <pre>
 *   interface Step {
 *       String name();                                          // progress lines, report timings
 *       StatisticsRequest statistics(ModelState state);         // default: none
 *       boolean rewritesModel();                                // default: false
 *       ModelState apply(ModelState state, Statistics stats);   // the new state (or state itself)
 *   }
 * </pre>
 * A step is built per run from a {@link dev.sparkptq.step.StepContext} (configuration, {@link
 * dev.sparkptq.step.Passes}, log, provenance); an algorithm is a list of steps in the registry
 * (class {@code Registry} of the {@code algorithms} package), and the pipeline composes them:
 * <ol>
 *   <li>Before a step whose statistics have not been collected on the current float model, one statistics pass
 *       collects them together with those of the following steps, up to and including the next step that may
 *       rewrite the float model ({@link dev.sparkptq.step.Step#rewritesModel()}). DefaultQuantization: SmoothQuant's
 *       probed pass (its own), channel alignment's pass, then one pass for the ranges and fast bias correction.</li>
 *   <li>A step receives exactly the statistics it requested ({@link dev.sparkptq.step.Statistics}), checked to have
 *       arrived; the request is data ({@link dev.sparkptq.step.StatisticsRequest}), so merging, in-graph reductions,
 *       the statistics cache ({@code --statistics}) and Spark stay the pipeline's business.</li>
 *   <li>A step that rewrites the float model must say so; the statistics collected so far are then stale and the
 *       next request starts a new pass. Changing anything else (plan, parameters, tuned weights, the quantized model,
 *       report sections) never invalidates statistics, which are always of the float model.</li>
 *   <li>A step that genuinely needs passes of its own — on another model (a probed copy, the quantized model),
 *       several dependent passes, distributed jobs that are not statistics, or one-off inference on the driver —
 *       uses the run's {@link dev.sparkptq.step.Passes}.</li>
 * </ol>
 *
 * <h2>Kinds of steps, one shape</h2>
 * <ul>
 *   <li>Preparation (graph-only, before planning): no statistics, {@code rewritesModel() == true}, returns
 *       {@code state.withModel(...)}.</li>
 *   <li>Statistics-driven rewrites of the float model (SmoothQuant, channel alignment, cross-layer equalization):
 *       declare statistics, rewrite the model.</li>
 *   <li>Quantization (plan, overflow fix, ranges, layer-wise tuning, Q/DQ, bias correction): change the plan,
 *       parameters, the model to quantize or the quantized model.</li>
 *   <li>Post-quantization (measurements, placement, a speed guard): read and edit {@code state.quantized()}, add a
 *       report section or a warning; timing models uses {@link dev.sparkptq.step.Passes#engines()}.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * {@link dev.sparkptq.step.ModelState} is immutable; a step that has nothing to do returns the state it was given
 * (and then takes no time of its own in the report). {@code statistics(state)} is pure and may be called early, with
 * an earlier state of the same float model. Steps never import one another: what they share lives in lower layers
 * ({@code plan}, {@code graph}, {@code calibration}, {@code stats}). No Spark, ONNX Runtime or Jackson here or in
 * an algorithm.
 */
package dev.sparkptq.step;
