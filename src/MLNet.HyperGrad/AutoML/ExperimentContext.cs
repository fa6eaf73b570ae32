using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.AutoML;

/// <summary>What an experiment hands to the factories of its tuner and trial runner.</summary>
/// <param name="SearchSpace">The experiment's search space: one key per <see cref="HyperGradExperiment.AddSearchSpace(string, SearchSpace)"/>.</param>
/// <param name="Seed">The study's seed.</param>
/// <param name="Train">The training data, if <see cref="HyperGradExperiment.SetDataset"/> was called.</param>
/// <param name="Validation">The validation data, if given.</param>
/// <param name="Parallelism">How many trials run at once.</param>
public sealed record ExperimentContext(SearchSpace SearchSpace, int Seed, TabularDataset? Train, TabularDataset? Validation, int Parallelism);
