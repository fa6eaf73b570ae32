using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Experiments;

/// <summary>The fluent entry point that plugs MLNet.HyperGrad's tuners into an experiment.</summary>
public static class HyperGradExperimentExtensions
{
    /// <summary>Uses an MLNet.HyperGrad tuner, as ML.NET's <c>SetSmacTuner</c> does for SMAC.</summary>
    /// <param name="experiment">The experiment.</param>
    /// <param name="configure">Changes to the default <see cref="HyperGradOptions"/>; null keeps them.</param>
    /// <returns>The experiment.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static HyperGradExperiment WithHyperGrad(this HyperGradExperiment experiment, Action<HyperGradOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var options = new HyperGradOptions();
        configure?.Invoke(options);
        options.Validate();
        return experiment.SetTuner(context => options.Tuner switch
        {
            TunerKind.Grid => new GridSearchTuner(context.SearchSpace, options.GridStepsPerContinuousDimension, context.Seed),
            _ => new RandomSearchTuner(context.SearchSpace, context.Seed),
        });
    }
}
