using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;

namespace MLNet.HyperGrad.Tests.Models;

/// <summary>A trained network kept in memory next to its <see cref="TrainedModel"/> description.</summary>
public sealed class TrainedMlp(Mlp mlp, ParameterSet weights, TrainedModel model, TrainValidationSplit split, Standardizer standardizer) : IDisposable
{
    public Mlp Mlp { get; } = mlp;

    public ParameterSet Weights { get; } = weights;

    public TrainedModel Model { get; } = model;

    /// <summary>Gets the unstandardized split the model was trained on (train) and is checked on (validation).</summary>
    public TrainValidationSplit Split { get; } = split;

    public Standardizer Standardizer { get; } = standardizer;

    public void Dispose() => Weights.Dispose();
}
