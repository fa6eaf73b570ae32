namespace MLNet.HyperGrad.Bench;

/// <summary>One float dimension of an Optuna search space.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Low">The smallest value.</param>
/// <param name="High">The largest value, above <paramref name="Low"/>.</param>
/// <param name="Log">Whether Optuna samples it on a log scale (then <paramref name="Low"/> must be positive).</param>
internal sealed record OptunaFloat(string Name, double Low, double High, bool Log);
