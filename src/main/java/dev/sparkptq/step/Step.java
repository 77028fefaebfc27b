package dev.sparkptq.step;

/**
 * One algorithm of a quantization pipeline (DESIGN convention 3; POT's {@code register_statistics} + {@code run},
 * NNCF's {@code get_statistic_points} + {@code apply}): it declares the statistics it needs as data, and maps a model
 * state to a new one. The pipeline collects the requests of consecutive steps in one statistics pass and hands each
 * step exactly what it asked for; see the package documentation for the contract.
 *
 * <p>A step is built per run by the registry from a {@link StepContext} (configuration, {@link Passes}, log), so
 * everything it needs besides the state comes in through its constructor.
 */
public interface Step {
    /**
     * The step's name: its progress lines, and its entry in report.json's timings (a step that returns the state it
     * was given took no time of its own).
     */
    String name();

    /**
     * The statistics of the float model ({@link ModelState#model()}) this step's {@link #apply} reads; none by
     * default. It may be called more than once and earlier than {@code apply}, with an earlier state of the same
     * float model (so that one pass serves several steps): it must be a pure function of the state, and should
     * depend only on the float model, the plan and the run's settings.
     */
    default StatisticsRequest statistics(ModelState state) {
        return StatisticsRequest.NONE;
    }

    /**
     * Whether {@link #apply} may rewrite the float model ({@link ModelState#withModel}). Statistics requested by the
     * steps after such a step come from a new pass over the rewritten model; a step that rewrites the model without
     * saying so here is an internal error.
     */
    default boolean rewritesModel() {
        return false;
    }

    /**
     * The new state. {@code statistics} holds every statistic {@link #statistics} requested for {@code state} (their
     * arrival is checked before the call), collected on {@code state.model()}. Return {@code state} itself when the
     * step has nothing to do.
     */
    ModelState apply(ModelState state, Statistics statistics);
}
