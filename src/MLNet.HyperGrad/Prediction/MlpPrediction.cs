using System.Collections.ObjectModel;
using System.Globalization;
using MLNet.HyperGrad.Data;

namespace MLNet.HyperGrad.Prediction;

/// <summary>
/// What an <see cref="MlpPredictor"/> says about one row: the class, its name and the class
/// probabilities for classification; the value for regression; the raw network outputs for both.
/// </summary>
/// <remarks>
/// Immutable. The type is not called <c>Prediction</c> so that it does not clash with its namespace
/// in code that lives under <c>MLNet.HyperGrad</c>.
/// </remarks>
public sealed class MlpPrediction
{
    private readonly ReadOnlyCollection<float> outputs;
    private readonly ReadOnlyCollection<float>? probabilities;
    private readonly int classIndex;
    private readonly string? className;

    internal MlpPrediction(float[] outputs, float[]? probabilities, string? className, int classIndex)
    {
        this.outputs = Array.AsReadOnly(outputs);
        this.probabilities = probabilities is null ? null : Array.AsReadOnly(probabilities);
        this.className = className;
        this.classIndex = classIndex;
    }

    /// <summary>Gets what the prediction means.</summary>
    public TaskKind Task => probabilities is null ? TaskKind.Regression : TaskKind.Classification;

    /// <summary>Gets the network's raw outputs, float32: one logit per class for classification, one value for regression.</summary>
    public IReadOnlyList<float> Outputs => outputs;

    /// <summary>Gets the predicted class index: the position of the largest logit (the first on ties).</summary>
    /// <exception cref="InvalidOperationException">The prediction is a regression prediction; use <see cref="Value"/>.</exception>
    public int ClassIndex => probabilities is not null ? classIndex : throw RegressionHasNo(nameof(ClassIndex));

    /// <summary>Gets the predicted class's name.</summary>
    /// <exception cref="InvalidOperationException">The prediction is a regression prediction; use <see cref="Value"/>.</exception>
    public string ClassName => className ?? throw RegressionHasNo(nameof(ClassName));

    /// <summary>Gets the softmax of the logits, float32, one per class, indexed by class index; they sum to 1 up to rounding.</summary>
    /// <exception cref="InvalidOperationException">The prediction is a regression prediction; use <see cref="Value"/>.</exception>
    public IReadOnlyList<float> Probabilities => probabilities ?? throw RegressionHasNo(nameof(Probabilities));

    /// <summary>Gets the predicted value of a regression model, in the units of the training targets.</summary>
    /// <exception cref="InvalidOperationException">The prediction is a classification prediction; use <see cref="ClassName"/>.</exception>
    public float Value => probabilities is null
        ? outputs[0]
        : throw new InvalidOperationException("A classification prediction has a ClassIndex, ClassName and Probabilities, not a Value.");

    /// <inheritdoc />
    public override string ToString() => probabilities is null
        ? string.Create(CultureInfo.InvariantCulture, $"value {outputs[0]}")
        : string.Create(CultureInfo.InvariantCulture, $"class \"{className}\" (index {classIndex}, probability {probabilities[classIndex]})");

    private static InvalidOperationException RegressionHasNo(string property) =>
        new($"A regression prediction has a Value, not a {property}.");
}
