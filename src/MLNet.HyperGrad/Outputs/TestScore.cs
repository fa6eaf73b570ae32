namespace MLNet.HyperGrad.Outputs;

/// <summary>The score of a saved model on test data.</summary>
/// <param name="MetricName">The metric: <c>accuracy</c> or <c>R²</c> (<see cref="TaskMetric.Name"/>).</param>
/// <param name="Value">The metric's value.</param>
/// <param name="Rows">The number of test rows scored.</param>
public sealed record TestScore(string MetricName, double Value, int Rows);
