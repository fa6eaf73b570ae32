using System.Collections.ObjectModel;
using System.Globalization;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>Describes one slot of a search space's unit cube: which key it encodes and whether a gradient can pass through it.</summary>
/// <remarks>
/// Integer and categorical slots decode through a floor, so their value is piecewise constant in the
/// cube: the derivative is zero almost everywhere and undefined at bin edges. The stated relaxation is
/// that gradient-based tuners hold such slots fixed at their current value (or leave them to a
/// black-box tuner) and follow hypergradients only through slots where
/// <see cref="IsDifferentiable"/> is <see langword="true"/>.
/// In a <see cref="ConditionalSearchSpace"/>, a slot of a branch has <see cref="ActiveWhen"/> conditions
/// (its value matters only when the selector holds that branch), and the selector's own slot lists the
/// branches in <see cref="Branches"/>.
/// </remarks>
public sealed class FeatureDimension
{
    /// <summary>Creates a description.</summary>
    /// <param name="index">The slot's position in the feature vector.</param>
    /// <param name="keyPath">The key path of the value it encodes: <c>lr</c>, <c>optimizer.momentum</c>, <c>rates[17]</c>.</param>
    /// <param name="kind">How the slot decodes.</param>
    /// <param name="levels">The number of distinct values for an integer or categorical slot (null when continuous or too many to count in an <see cref="int"/>).</param>
    /// <param name="isLogScale">Whether the slot is spread on a log scale.</param>
    /// <param name="min">The smallest decoded value of a numeric slot, or null for a categorical one.</param>
    /// <param name="max">The largest decoded value of a numeric slot, or null for a categorical one.</param>
    public FeatureDimension(int index, string keyPath, FeatureDimensionKind kind, int? levels, bool isLogScale, double? min, double? max)
        : this(index, keyPath, kind, levels, isLogScale, min, max, [], null)
    {
    }

    /// <summary>Creates a description of a slot of a conditional search space.</summary>
    /// <param name="index">The slot's position in the feature vector.</param>
    /// <param name="keyPath">The key path of the value it encodes.</param>
    /// <param name="kind">How the slot decodes.</param>
    /// <param name="levels">The number of distinct values for an integer or categorical slot (null when continuous).</param>
    /// <param name="isLogScale">Whether the slot is spread on a log scale.</param>
    /// <param name="min">The smallest decoded value of a numeric slot, or null for a categorical one.</param>
    /// <param name="max">The largest decoded value of a numeric slot, or null for a categorical one.</param>
    /// <param name="activeWhen">The conditions under which the slot is used, outermost first; empty when it always is.</param>
    /// <param name="branches">For a selector slot, the branch names in level order; otherwise null.</param>
    /// <exception cref="ArgumentException">A condition is null, or <paramref name="branches"/> is given for a slot that is not categorical with that many levels.</exception>
    public FeatureDimension(int index, string keyPath, FeatureDimensionKind kind, int? levels, bool isLogScale, double? min, double? max, IEnumerable<FeatureCondition> activeWhen, IEnumerable<string>? branches)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentNullException.ThrowIfNull(keyPath);
        ArgumentNullException.ThrowIfNull(activeWhen);
        FeatureCondition[] conditions = [.. activeWhen];
        if (Array.IndexOf(conditions, null) >= 0)
        {
            throw new ArgumentException($"A condition of slot {index} ('{keyPath}') is null.", nameof(activeWhen));
        }

        string[]? names = branches is null ? null : [.. branches];
        if (names is not null && (kind != FeatureDimensionKind.Categorical || levels != names.Length))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Slot {index} ('{keyPath}') lists {names.Length} branches, so it must be Categorical with {names.Length} levels; got {kind} with {(levels is int n ? n.ToString(CultureInfo.InvariantCulture) : "no")} levels."),
                nameof(branches));
        }

        Index = index;
        KeyPath = keyPath;
        Kind = kind;
        Levels = levels;
        IsLogScale = isLogScale;
        Min = min;
        Max = max;
        ActiveWhen = new ReadOnlyCollection<FeatureCondition>(conditions);
        Branches = names is null ? null : new ReadOnlyCollection<string>(names);
    }

    /// <summary>Gets the slot's position in the feature vector.</summary>
    public int Index { get; }

    /// <summary>Gets the key path of the encoded value: keys joined by <c>.</c>, array elements as <c>[i]</c>.</summary>
    public string KeyPath { get; }

    /// <summary>Gets how the slot decodes.</summary>
    public FeatureDimensionKind Kind { get; }

    /// <summary>Gets the number of distinct values of an integer or categorical slot; null for a continuous one.</summary>
    public int? Levels { get; }

    /// <summary>Gets a value indicating whether the slot is spread on a log scale.</summary>
    public bool IsLogScale { get; }

    /// <summary>Gets the smallest decoded value of a numeric slot; null for a categorical one.</summary>
    public double? Min { get; }

    /// <summary>Gets the largest decoded value of a numeric slot; null for a categorical one.</summary>
    public double? Max { get; }

    /// <summary>Gets the conditions under which the slot is used, outermost selector first; empty when it always is.</summary>
    /// <remarks>
    /// A slot whose condition does not hold is inactive: the decoded parameter lacks its key, and its
    /// value in a feature vector is a placeholder (the branch's default when encoded).
    /// </remarks>
    public IReadOnlyList<FeatureCondition> ActiveWhen { get; }

    /// <summary>Gets, for the selector slot of a <see cref="ConditionalSearchSpace"/>, the branch names in level order; null for any other slot.</summary>
    public IReadOnlyList<string>? Branches { get; }

    /// <summary>Gets a value indicating whether the decoded value is differentiable in the slot (only continuous slots are).</summary>
    public bool IsDifferentiable => Kind == FeatureDimensionKind.Continuous;

    /// <summary>Describes the slot for logs: <c>[3] optimizer.lr: Continuous, log scale, [1E-05, 1]</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        string range = Min is double lo && Max is double hi ? $", [{Parameter.Format(lo)}, {Parameter.Format(hi)}]" : string.Empty;
        string levels = Levels is int n ? string.Create(CultureInfo.InvariantCulture, $", {n} levels") : string.Empty;
        string branches = Branches is null ? string.Empty : $", branches [{string.Join(", ", Branches)}]";
        string when = ActiveWhen.Count == 0 ? string.Empty : $", when {string.Join(" and ", ActiveWhen)}";
        return string.Create(CultureInfo.InvariantCulture, $"[{Index}] {KeyPath}: {Kind}{(IsLogScale ? ", log scale" : string.Empty)}{range}{levels}{branches}{when}");
    }

    /// <summary>A copy of this description under one more, outer, condition.</summary>
    internal FeatureDimension Under(FeatureCondition condition)
        => new(Index, KeyPath, Kind, Levels, IsLogScale, Min, Max, [condition, .. ActiveWhen], Branches);
}
