using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNet.HyperGrad.Data;

/// <summary>
/// Standardizes features: subtracts each feature's mean and divides by its standard deviation,
/// both fitted on the training split only.
/// </summary>
/// <remarks>
/// The standard deviation is the population one (divide by n), as in scikit-learn's
/// <c>StandardScaler</c>. A constant feature (all training values equal) has standard deviation 0
/// and is only centred (divided by 1). Statistics are accumulated in float64. The object is
/// immutable and round-trips through <see cref="ToJson"/> and <see cref="FromJson"/> so that a saved
/// model applies the same transformation at prediction time.
/// </remarks>
public sealed class Standardizer
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly double[] means;
    private readonly double[] standardDeviations;

    /// <summary>Creates a standardizer from known statistics.</summary>
    /// <param name="means">The mean of every feature; finite.</param>
    /// <param name="standardDeviations">The standard deviation of every feature; finite and non-negative, 0 for constant features.</param>
    /// <exception cref="ArgumentException">The lists are empty, differ in length, or hold invalid values.</exception>
    [JsonConstructor]
    public Standardizer(IReadOnlyList<double> means, IReadOnlyList<double> standardDeviations)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(standardDeviations);
        if (means.Count == 0 || means.Count != standardDeviations.Count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Expected one mean and one standard deviation per feature, found {means.Count} means and {standardDeviations.Count} standard deviations."),
                nameof(standardDeviations));
        }

        for (int j = 0; j < means.Count; j++)
        {
            if (!double.IsFinite(means[j]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Mean of feature {j} is {means[j]}; it must be finite."), nameof(means));
            }

            if (!double.IsFinite(standardDeviations[j]) || standardDeviations[j] < 0)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Standard deviation of feature {j} is {standardDeviations[j]}; it must be finite and non-negative."),
                    nameof(standardDeviations));
            }
        }

        this.means = [.. means];
        this.standardDeviations = [.. standardDeviations];
    }

    /// <summary>Gets the training mean of every feature.</summary>
    public IReadOnlyList<double> Means => Array.AsReadOnly(means);

    /// <summary>Gets the training standard deviation of every feature (population; 0 for a constant feature).</summary>
    public IReadOnlyList<double> StandardDeviations => Array.AsReadOnly(standardDeviations);

    /// <summary>Gets the number of features.</summary>
    [JsonIgnore]
    public int FeatureCount => means.Length;

    /// <summary>Fits the per-feature mean and standard deviation on the training split.</summary>
    /// <param name="train">The training split only; never validation or test data.</param>
    /// <returns>The fitted standardizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="train"/> has no rows.</exception>
    public static Standardizer Fit(TabularDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Rows == 0)
        {
            throw new ArgumentException("Cannot fit a standardizer on a dataset with no rows.", nameof(train));
        }

        int n = train.Rows;
        int d = train.FeatureCount;
        ReadOnlySpan<float> x = train.Features;
        double[] mean = new double[d];
        double[] min = new double[d];
        double[] max = new double[d];
        Array.Fill(min, double.PositiveInfinity);
        Array.Fill(max, double.NegativeInfinity);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = x.Slice(i * d, d);
            for (int j = 0; j < d; j++)
            {
                mean[j] += row[j];
                min[j] = Math.Min(min[j], row[j]);
                max[j] = Math.Max(max[j], row[j]);
            }
        }

        for (int j = 0; j < d; j++)
        {
            mean[j] /= n;
        }

        double[] variance = new double[d];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = x.Slice(i * d, d);
            for (int j = 0; j < d; j++)
            {
                double centred = row[j] - mean[j];
                variance[j] += centred * centred;
            }
        }

        double[] std = new double[d];
        for (int j = 0; j < d; j++)
        {
            // Equal extremes mean a constant feature: report exactly 0 rather than trusting the
            // two-pass variance to come out exact (it does while the float64 sum is exact).
            std[j] = min[j] == max[j] ? 0 : Math.Sqrt(variance[j] / n);
        }

        return new Standardizer(mean, std);
    }

    /// <summary>Standardizes a dataset with the fitted statistics.</summary>
    /// <param name="data">Any split (training, validation, test) with the fitted number of features.</param>
    /// <returns>A new dataset with (x - mean) / std per feature (std 0 is treated as 1); labels and names unchanged.</returns>
    /// <exception cref="ArgumentException">The dataset has a different number of features.</exception>
    public TabularDataset Transform(TabularDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int d = data.FeatureCount;
        if (d != FeatureCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The standardizer was fitted on {FeatureCount} features; the dataset has {d}."), nameof(data));
        }

        ReadOnlySpan<float> x = data.Features;
        float[] result = new float[x.Length];
        Apply(x, result);
        return data.WithFeatures(result);
    }

    /// <summary>
    /// Standardizes row-major features into <paramref name="destination"/>: the arithmetic of
    /// <see cref="Transform"/>, for callers (a predictor) that hold features outside a dataset.
    /// </summary>
    /// <param name="source">Rows of <see cref="FeatureCount"/> features, row-major.</param>
    /// <param name="destination">As long as <paramref name="source"/>; may not overlap it.</param>
    internal void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        int d = FeatureCount;
        if (source.Length % d != 0 || destination.Length != source.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Expected whole rows of {d} features and a destination of the same length; found {source.Length} values and a destination of {destination.Length}."),
                nameof(source));
        }

        for (int k = 0; k < source.Length; k++)
        {
            int j = k % d;
            double scale = standardDeviations[j] == 0 ? 1 : standardDeviations[j];
            destination[k] = (float)((source[k] - means[j]) / scale);
        }
    }

    /// <summary>Serializes the statistics to JSON.</summary>
    /// <returns>An object with <c>Means</c> and <c>StandardDeviations</c> arrays.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads statistics written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The standardizer.</returns>
    /// <exception cref="DatasetFormatException">The text is not valid JSON or holds invalid statistics.</exception>
    public static Standardizer FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<Standardizer>(json, JsonOptions)
                ?? throw new DatasetFormatException("expected a standardizer JSON object, found null");
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new DatasetFormatException($"invalid standardizer JSON: {e.Message}", e);
        }
    }
}
