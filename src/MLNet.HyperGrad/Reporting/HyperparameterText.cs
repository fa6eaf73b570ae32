using System.Globalization;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Reporting;

/// <summary>Writes a trial's hyperparameters on one line for people, formatted as their search-space options declare.</summary>
public static class HyperparameterText
{
    /// <summary>Describes a parameter sampled from a search space: <c>batch_size 128, depth 2, learning_rate 0.00395, l2 2.2E-06</c>.</summary>
    /// <param name="space">The space the parameter was sampled from; it decides each value's format.</param>
    /// <param name="parameter">The parameter (an object whose keys are the space's).</param>
    /// <returns>
    /// <c>key value</c> pairs in ordinal key order, separated by commas: integer and categorical options as
    /// they are, continuous ones with three significant digits, keys the space does not know with six.
    /// When every key lies under one top-level key (<c>mlp.</c>), that prefix is left out. Under a
    /// <see cref="ConditionalSearchSpace"/> the selector comes first and the chosen branch's keys drop the
    /// branch name: <c>trainer lightgbm, learning_rate 0.1, num_leaves 31</c>.
    /// </returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static string Describe(SearchSpace space, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(parameter);
        Dictionary<string, FeatureDimension> dimensions = space.FeatureDimensions.ToDictionary(d => d.KeyPath, StringComparer.Ordinal);
        IReadOnlyDictionary<string, ReportValue> values = ReportTrial.FlattenParameters(parameter);
        IReadOnlyList<string> selectors = ReportTrial.FindSelectors(parameter);

        // Under a conditional space only the chosen branch is present, so its name adds nothing to its keys: pipeline.lightgbm.x → pipeline.x.
        var shown = values
            .Select(kv => (Key: Shorten(kv.Key, selectors, values), kv.Value, Dimension: dimensions.GetValueOrDefault(kv.Key), Selector: selectors.Contains(kv.Key)))
            .OrderBy(v => v.Selector ? 0 : 1)
            .ThenBy(v => v.Key, StringComparer.Ordinal)
            .ToList();
        string prefix = CommonRoot(shown.Select(v => v.Key));
        return string.Join(", ", shown.Select(v => $"{v.Key[prefix.Length..]} {Format(v.Value, v.Dimension)}"));
    }

    /// <summary>The key without the chosen branch's name when it lies under a selector's branch.</summary>
    private static string Shorten(string key, IReadOnlyList<string> selectors, IReadOnlyDictionary<string, ReportValue> values)
    {
        foreach (string selector in selectors)
        {
            int dot = selector.LastIndexOf('.');
            string parent = dot < 0 ? string.Empty : selector[..(dot + 1)];
            string branchPrefix = parent + values[selector].Text + ".";
            if (key.StartsWith(branchPrefix, StringComparison.Ordinal))
            {
                return Shorten(parent + key[branchPrefix.Length..], selectors, values);
            }
        }

        return key;
    }

    private static string Format(ReportValue value, FeatureDimension? dimension)
    {
        if (value.Number is not double number)
        {
            return value.Text!;
        }

        return dimension?.Kind switch
        {
            FeatureDimensionKind.Continuous => number.ToString("G3", CultureInfo.InvariantCulture),
            FeatureDimensionKind.Integer or FeatureDimensionKind.Categorical => number.ToString("R", CultureInfo.InvariantCulture),
            _ => Formatting.Value(number),
        };
    }

    /// <summary>The <c>root.</c> prefix every key shares, or empty when they do not share one.</summary>
    private static string CommonRoot(IEnumerable<string> keys)
    {
        string? root = null;
        foreach (string key in keys)
        {
            int dot = key.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || (root is not null && !key.StartsWith(root, StringComparison.Ordinal)))
            {
                return string.Empty;
            }

            root ??= key[..(dot + 1)];
        }

        return root ?? string.Empty;
    }
}
