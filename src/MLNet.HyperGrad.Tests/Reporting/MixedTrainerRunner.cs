using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.Reporting;

/// <summary>A runner over a choice of trainer under <c>pipeline</c> (the MLP's real space, a LightGBM-like one, and SDCA without hyperparameters); its accuracy depends on the chosen trainer's values.</summary>
internal sealed class MixedTrainerRunner : ITrialRunner
{
    public HashSet<int> FailOn { get; init; } = [];

    public static ConditionalSearchSpace Space() => new(
        new Dictionary<string, SearchSpace>
        {
            ["mlp"] = new SearchSpace<MlpHyperparameters>(),
            ["lightgbm"] = new()
            {
                ["learning_rate"] = new UniformDoubleOption(1e-3, 1, logBase: true, defaultValue: 0.1),
                ["num_leaves"] = new UniformIntOption(4, 256, logBase: true, defaultValue: 31),
                ["use_bagging"] = new ChoiceOption(true, false),
            },
            ["sdca"] = new(),
        },
        defaultBranch: "mlp");

    public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        if (FailOn.Contains(settings.TrialId))
        {
            throw new InvalidOperationException($"trial {settings.TrialId} failed on purpose");
        }

        Parameter p = settings.Parameter["pipeline"];
        double accuracy = p["trainer"].AsType<string>() switch
        {
            "mlp" => 0.9 - Math.Abs(Math.Log10(p["mlp"]["learning_rate"].AsType<double>() / 0.05)) / 10,
            "lightgbm" => 0.95 - Math.Abs(Math.Log10(p["lightgbm"]["num_leaves"].AsType<int>() / 31.0)) / 10,
            _ => 0.8,
        };
        return Task.FromResult(new TrialResult { TrialSettings = settings, Loss = -accuracy, Metric = accuracy });
    }

    public void Dispose()
    {
    }
}
