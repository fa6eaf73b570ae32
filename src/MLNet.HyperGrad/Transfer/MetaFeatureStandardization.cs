using System.Globalization;

namespace MLNet.HyperGrad.Transfer;

/// <summary>
/// The z-scoring of data-set meta-features over the source tasks of a prior (<see cref="GpPriorPretrainingOptions.MetaFeatureInput"/>):
/// names in ordinal order, each feature's mean and standard deviation (divisor T) over the source tasks. A feature with no spread
/// over the sources (standard deviation at most 1e-12 times max(1, |mean|)) has scale 0 and enters as 0 for every task, since the
/// sources say nothing about its effect.
/// </summary>
internal sealed class MetaFeatureStandardization
{
    public MetaFeatureStandardization(string[] names, double[] means, double[] scales)
    {
        if (names.Length == 0 || means.Length != names.Length || scales.Length != names.Length
            || means.Any(v => !double.IsFinite(v)) || scales.Any(v => !(v >= 0) || !double.IsFinite(v))
            || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A meta-feature standardization needs at least one distinct name and, per name, a finite mean and a finite scale of at least 0; got {names.Length} names, {means.Length} means, {scales.Length} scales."));
        }

        Names = names;
        Means = means;
        Scales = scales;
    }

    /// <summary>Gets the meta-feature names, ordinal order.</summary>
    public string[] Names { get; }

    /// <summary>Gets each feature's mean over the source tasks.</summary>
    public double[] Means { get; }

    /// <summary>Gets each feature's standard deviation over the source tasks (divisor T), 0 for a feature without spread.</summary>
    public double[] Scales { get; }

    /// <summary>
    /// The standardization the option asks for on these tasks: null when it is off (false), or when automatic (null) and the tasks do
    /// not all carry the same non-empty meta-feature names.
    /// </summary>
    /// <exception cref="ArgumentException">The option is on and a task has no meta-features, the tasks' names differ, or a value is not finite.</exception>
    public static MetaFeatureStandardization? ForPretraining(IReadOnlyList<TransferTask> tasks, bool? option)
    {
        if (option == false || tasks is null || tasks.Count == 0 || tasks.Any(t => t is null))
        {
            return null;
        }

        if (option is null && !AllCarrySameNames(tasks))
        {
            return null;
        }

        TransferTask first = tasks[0];
        if (first.MetaFeatures is not { Count: > 0 } firstFeatures)
        {
            throw new ArgumentException($"MetaFeatureInput is on but source task '{first.Name}' has no meta-features (TransferTask.MetaFeatures); every source task needs the same meta-features.", nameof(tasks));
        }

        string[] names = [.. firstFeatures.Keys.Order(StringComparer.Ordinal)];
        var values = new double[tasks.Count][];
        for (int t = 0; t < tasks.Count; t++)
        {
            TransferTask task = tasks[t];
            if (task.MetaFeatures is not { Count: > 0 } features)
            {
                throw new ArgumentException($"MetaFeatureInput is on but source task '{task.Name}' has no meta-features (TransferTask.MetaFeatures); every source task needs the same meta-features as '{first.Name}' ({string.Join(", ", names)}).", nameof(tasks));
            }

            string[] missing = [.. names.Where(n => !features.ContainsKey(n))];
            string[] extra = [.. features.Keys.Where(n => !firstFeatures.ContainsKey(n)).Order(StringComparer.Ordinal)];
            if (missing.Length > 0 || extra.Length > 0)
            {
                throw new ArgumentException($"MetaFeatureInput is on but source task '{task.Name}' has other meta-features than '{first.Name}': {(missing.Length > 0 ? "it lacks " + string.Join(", ", missing) : "")}{(missing.Length > 0 && extra.Length > 0 ? "; " : "")}{(extra.Length > 0 ? "it adds " + string.Join(", ", extra) : "")}. Every source task needs the same names.", nameof(tasks));
            }

            values[t] = [.. names.Select(n => features[n])];
            int bad = Array.FindIndex(values[t], v => !double.IsFinite(v));
            if (bad >= 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Source task '{task.Name}': meta-feature '{names[bad]}' is {values[t][bad]}; every meta-feature must be finite."), nameof(tasks));
            }
        }

        double[] means = new double[names.Length];
        double[] scales = new double[names.Length];
        for (int j = 0; j < names.Length; j++)
        {
            double mean = values.Average(v => v[j]);
            double std = Math.Sqrt(values.Sum(v => (v[j] - mean) * (v[j] - mean)) / values.Length);
            means[j] = mean;
            scales[j] = std > 1e-12 * Math.Max(1.0, Math.Abs(mean)) ? std : 0.0;
        }

        return new MetaFeatureStandardization(names, means, scales);
    }

    /// <summary>The standardized values of a task's meta-features, in <see cref="Names"/> order.</summary>
    /// <param name="features">The task's meta-features; names beyond <see cref="Names"/> are ignored.</param>
    /// <param name="who">The task, for the messages.</param>
    /// <exception cref="ArgumentException">Features are missing (every missing name is listed) or not finite.</exception>
    public double[] Standardize(IReadOnlyDictionary<string, double>? features, string who)
    {
        string[] missing = [.. Names.Where(n => features is null || !features.ContainsKey(n))];
        if (missing.Length > 0)
        {
            throw new ArgumentException($"The prior's mean reads the data-set meta-features {string.Join(", ", Names)}; {who} lacks {missing.Length} of them: {string.Join(", ", missing)}.");
        }

        double[] z = new double[Names.Length];
        for (int j = 0; j < Names.Length; j++)
        {
            double value = features![Names[j]];
            if (!double.IsFinite(value))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{who}: meta-feature '{Names[j]}' is {value}; every meta-feature must be finite."));
            }

            z[j] = Scales[j] > 0 ? (value - Means[j]) / Scales[j] : 0.0;
        }

        return z;
    }

    private static bool AllCarrySameNames(IReadOnlyList<TransferTask> tasks)
    {
        if (tasks[0].MetaFeatures is not { Count: > 0 } first)
        {
            return false;
        }

        return tasks.All(t => t.MetaFeatures is { } f && f.Count == first.Count && first.Keys.All(f.ContainsKey) && f.Values.All(double.IsFinite));
    }
}
