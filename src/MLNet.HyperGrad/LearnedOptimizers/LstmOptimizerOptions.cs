using System.Globalization;

namespace MLNet.HyperGrad.LearnedOptimizers;

/// <summary>The architecture of an <see cref="LstmOptimizer"/>; validated once by <see cref="Validate"/>.</summary>
/// <remarks>The defaults are those of Andrychowicz et al. (2016): two LSTM layers of 20 units, preprocessing with k = 10, output scale 0.1.</remarks>
public sealed class LstmOptimizerOptions
{
    /// <summary>Gets the units of each LSTM layer.</summary>
    /// <value>The default is 20.</value>
    public int HiddenSize { get; init; } = 20;

    /// <summary>Gets the number of stacked LSTM layers.</summary>
    /// <value>The default is 2.</value>
    public int Layers { get; init; } = 2;

    /// <summary>
    /// Gets k of the gradient preprocessing: a coordinate's gradient g becomes (ln|g| / k, sign g) when |g| ≥ e^−k,
    /// and (−1, e^k g) otherwise.
    /// </summary>
    /// <value>The default is 10.</value>
    public double PreprocessingK { get; init; } = 10;

    /// <summary>Gets the output scale: the update of a coordinate is <c>θ ← θ + OutputScale · m</c> with m the LSTM's linear output.</summary>
    /// <value>The default is 0.1.</value>
    public double OutputScale { get; init; } = 0.1;

    /// <summary>Checks every setting and reports all problems at once.</summary>
    /// <exception cref="ArgumentException">One or more settings are out of range; the message lists each with its value.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        if (HiddenSize < 1)
        {
            problems.Add($"HiddenSize must be at least 1, got {HiddenSize}.");
        }

        if (Layers < 1)
        {
            problems.Add($"Layers must be at least 1, got {Layers}.");
        }

        if (!double.IsFinite(PreprocessingK) || PreprocessingK <= 0)
        {
            problems.Add($"PreprocessingK must be a positive number, got {F(PreprocessingK)}.");
        }

        if (!double.IsFinite(OutputScale) || OutputScale <= 0)
        {
            problems.Add($"OutputScale must be a positive number, got {F(OutputScale)}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid LSTM optimizer options: " + string.Join(" ", problems));
        }
    }
}
