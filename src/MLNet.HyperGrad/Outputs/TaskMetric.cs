using MLNet.HyperGrad.Data;

namespace MLNet.HyperGrad.Outputs;

/// <summary>The metric a tuning run reports for a task: accuracy for classification, R² for regression (larger is better, loss = -metric).</summary>
public static class TaskMetric
{
    /// <summary>The metric's name for people: <c>accuracy</c> or <c>R²</c>.</summary>
    /// <param name="task">The task.</param>
    /// <returns>The name.</returns>
    public static string Name(TaskKind task) => task == TaskKind.Classification ? "accuracy" : "R²";

    /// <summary>The metric's name in ASCII, as a saved model's metadata records it: <c>accuracy</c> or <c>R2</c>.</summary>
    /// <param name="task">The task.</param>
    /// <returns>The name.</returns>
    public static string AsciiName(TaskKind task) => task == TaskKind.Classification ? "accuracy" : "R2";
}
