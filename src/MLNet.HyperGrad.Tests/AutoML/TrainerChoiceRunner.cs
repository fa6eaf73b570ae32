using System.Collections.Concurrent;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>A trial runner over a choice of trainer under <c>pipeline</c>: each trainer has its own loss surface; it records every parameter it ran.</summary>
internal sealed class TrainerChoiceRunner : ITrialRunner
{
    public ConcurrentQueue<Parameter> Ran { get; } = new();

    /// <summary>Three trainers with discrete options only, so that every default is a grid point: 4 + 3 + 1 grid points.</summary>
    public static ConditionalSearchSpace Space(params string[] trainers)
    {
        var all = new Dictionary<string, SearchSpace>
        {
            ["lightgbm"] = new() { ["num_leaves"] = new UniformIntOption(2, 3), ["use_bagging"] = new ChoiceOption(true, false) },
            ["mlp"] = new() { ["depth"] = new UniformIntOption(1, 3) },
            ["sdca"] = new(),
        };
        return new ConditionalSearchSpace(all.Where(kv => trainers.Length == 0 || trainers.Contains(kv.Key)), defaultBranch: "mlp");
    }

    public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        Parameter p = settings.Parameter["pipeline"];
        Ran.Enqueue(settings.Parameter);
        double loss = p["trainer"].AsType<string>() switch
        {
            "lightgbm" => 1.0 / p["lightgbm"]["num_leaves"].AsType<int>(),
            "mlp" => p["mlp"]["depth"].AsType<int>(),
            "sdca" => 0.75,
            string other => throw new InvalidOperationException($"unknown trainer {other}"),
        };
        return Task.FromResult(new TrialResult { TrialSettings = settings, Loss = loss, Metric = loss });
    }

    public void Dispose()
    {
    }
}
