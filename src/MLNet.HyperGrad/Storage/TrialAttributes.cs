using System.Collections.ObjectModel;

namespace MLNet.HyperGrad.Storage;

/// <summary>
/// The numeric attributes of one trial (<c>test_loss</c>, <c>train_loss</c>): how
/// <see cref="AutoML.TrialResult.Attributes"/>, <see cref="TrialRecord.Attributes"/> and
/// <see cref="Reporting.ReportTrial.Attributes"/> copy, check and compare them.
/// </summary>
/// <remarks>
/// A copy is read-only and enumerates its keys in ordinal order, so that tables and CSV columns come
/// out the same on every run. Keys are compared ordinally; values are any double (NaN and infinities
/// are kept; equal as <see cref="double.Equals(double)"/> says, so NaN equals NaN).
/// </remarks>
internal static class TrialAttributes
{
    /// <summary>Gets the empty attributes.</summary>
    public static IReadOnlyDictionary<string, double> Empty { get; } =
        new ReadOnlyDictionary<string, double>(new SortedDictionary<string, double>(StringComparer.Ordinal));

    /// <summary>Checks the keys and copies the attributes, sorted by key.</summary>
    /// <param name="value">The attributes, or <see langword="null"/> for none.</param>
    /// <param name="argument">The name of the argument or property, for the exception.</param>
    /// <returns>A read-only copy, sorted ordinally by key; <see cref="Empty"/> for null or none.</returns>
    /// <exception cref="ArgumentException">A key is null, empty or only white space.</exception>
    public static IReadOnlyDictionary<string, double> Copy(IReadOnlyDictionary<string, double>? value, string argument)
    {
        if (value is null || value.Count == 0)
        {
            return Empty;
        }

        var copy = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, double> kv in value)
        {
            if (string.IsNullOrWhiteSpace(kv.Key))
            {
                throw new ArgumentException(
                    $"A trial attribute needs a name such as \"test_loss\"; got {(kv.Key is null ? "null" : "\"" + kv.Key + "\"")} (value {kv.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}).",
                    argument);
            }

            copy[kv.Key] = kv.Value;
        }

        return new ReadOnlyDictionary<string, double>(copy);
    }

    /// <summary>Compares two attribute sets: the same keys (ordinal) with equal values (NaN equals NaN).</summary>
    /// <param name="left">One set.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they hold the same attributes.</returns>
    public static bool AreEqual(IReadOnlyDictionary<string, double> left, IReadOnlyDictionary<string, double> right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (KeyValuePair<string, double> kv in left)
        {
            if (!right.TryGetValue(kv.Key, out double other) || !kv.Value.Equals(other))
            {
                return false;
            }
        }

        return true;
    }
}
