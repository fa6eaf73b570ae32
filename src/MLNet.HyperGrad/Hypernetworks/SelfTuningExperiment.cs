using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>What <c>WithHyperGrad(o => o.Tuner = TunerKind.SelfTuning)</c> sets on an experiment.</summary>
internal static class SelfTuningExperiment
{
    /// <summary>
    /// Sets <see cref="SelfTuningTuner"/>; without a runner, also <see cref="SelfTuningTrialRunner"/> on the experiment's dataset
    /// (with <see cref="HyperGradOptions.SelfTuning"/>), over <see cref="SelfTuningTrialRunner.CreateSearchSpace"/>'s space when the
    /// experiment has none.
    /// </summary>
    /// <param name="experiment">The experiment.</param>
    /// <param name="options">The validated options.</param>
    /// <returns>The experiment.</returns>
    public static HyperGradExperiment Configure(HyperGradExperiment experiment, HyperGradOptions options)
    {
        SelfTuningOptions runnerOptions = options.SelfTuning ?? new SelfTuningOptions();
        runnerOptions.Validate();
        if (!experiment.HasTrialRunner)
        {
            if (experiment.SearchSpace.Count == 0)
            {
                experiment.AddSearchSpace(SelfTuningTrialRunner.SearchSpaceKey, SelfTuningTrialRunner.CreateSearchSpace(runnerOptions));
            }

            experiment.SetTrialRunner(context =>
            {
                if (context.Train is null || context.Validation is null)
                {
                    throw new InvalidOperationException("WithHyperGrad(o => o.Tuner = TunerKind.SelfTuning) trains a self-tuning MLP on the experiment's dataset, and none was given: call SetDataset(train, validation), or SetTrialRunner with a runner of your own.");
                }

                return new SelfTuningTrialRunner(context.Train, context.Validation, null, runnerOptions, Math.Max(1, Environment.ProcessorCount / context.Parallelism));
            });
        }

        return experiment.SetTuner(context => new SelfTuningTuner(context.SearchSpace, context.Seed));
    }
}
