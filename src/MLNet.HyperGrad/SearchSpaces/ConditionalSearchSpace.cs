using System.Collections.ObjectModel;
using System.Globalization;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A choice among named branches, each with its own search space: a choice of trainer with each trainer's nested hyperparameters.</summary>
/// <remarks>
/// <para>
/// A sampled value has exactly two keys, the selector and the chosen branch, as AutoML's sweepable
/// pipeline keys them: <c>{"trainer": "lightgbm", "lightgbm": {"learning_rate": 0.1, ...}}</c>. The
/// inactive branches are absent. Added to an experiment with
/// <c>experiment.AddSearchSpace("pipeline", conditional)</c>, a trial reads
/// <c>parameter["pipeline"]["trainer"].AsType&lt;string&gt;()</c> and then
/// <c>parameter["pipeline"][thatName]</c>.
/// </para>
/// <para>
/// Unit-cube layout: one selector slot (categorical, one equal-width bin per branch, branches in ordinal
/// name order; no slot when there is a single branch), then every branch's slots, branch after branch
/// in the same order. <see cref="SampleFromFeatureSpace"/> decodes the selector, then the chosen
/// branch's slots only; the other branches' slots are ignored. <see cref="MappingToFeatureSpace"/>
/// encodes the selector and the chosen branch, and fills every other branch's slots with that
/// branch's <see cref="OptionBase.Default"/>, so that a value has one encoding. In
/// <see cref="SearchSpace.FeatureDimensions"/> the selector slot lists the branches
/// (<see cref="FeatureDimension.Branches"/>) and each branch slot names its condition
/// (<see cref="FeatureDimension.ActiveWhen"/>); nested conditional spaces (a conditional space inside a
/// branch) stack conditions, outermost first.
/// </para>
/// <para>How each tuner handles a conditional space:</para>
/// <list type="bullet">
/// <item><description>
/// <c>RandomSearchTuner</c> (now): draws a uniform point of the whole cube; its selector slot picks a
/// branch uniformly and only that branch's slots are decoded, so each trial samples the selector, then
/// the active branch, reproducibly from the seed and the trial id.
/// </description></item>
/// <item><description>
/// <c>GridSearchTuner</c> (now): enumerates each branch's own grid with the selector set to that branch
/// and the inactive slots at their defaults; the grid is the concatenation of the branches' grids (its
/// size is their sum, not a product over inactive slots), and replayed results mark their point
/// visited within their branch.
/// </description></item>
/// <item><description>
/// <c>GaussianProcessTuner</c> (now): one model over the whole cube in which every inactive slot holds the
/// fixed value <see cref="MappingToFeatureSpace"/> gives it (the branch default), so that inactive slots add no
/// distance; the selector (categorical) enters the kernel by Hamming distance; candidates are made canonical before
/// they are scored, and gradient refinement moves only the continuous slots of the candidate's active branch.
/// Gradient-based (hypergradient) tuners follow gradients only through continuous active slots; the selector is
/// categorical and never differentiable.
/// </description></item>
/// <item><description>
/// TPE-like tuners fit their good/bad densities per slot over only the trials where the slot is active
/// (<see cref="FeatureDimension.ActiveWhen"/> holds), as Optuna does for conditional parameters, and the
/// selector's density over all trials.
/// </description></item>
/// <item><description>
/// Transfer (warm-start) tuners match earlier trials to a branch by the selector value and reuse only
/// the trials of the same branch for that branch's slots.
/// </description></item>
/// </list>
/// <para>Immutable once built (the branch spaces should not be changed afterwards); safe to share between threads.</para>
/// </remarks>
public sealed class ConditionalSearchSpace : OptionBase
{
    /// <summary>The default selector key, <c>trainer</c>.</summary>
    public const string DefaultSelectorKey = "trainer";

    private readonly SortedDictionary<string, SearchSpace> branches = new(StringComparer.Ordinal);
    private readonly ReadOnlyCollection<string> names;
    private readonly int defaultLevel;

    /// <summary>Creates a conditional search space.</summary>
    /// <param name="branches">The branches: name → search space; at least one, names distinct, non-empty and other than <paramref name="selectorKey"/>.</param>
    /// <param name="selectorKey">The key of the selector in a sampled value; <c>trainer</c> by default.</param>
    /// <param name="defaultBranch">The branch of <see cref="Default"/>; null for the branch whose selector bin holds the mid-point 0.5 (as <see cref="ChoiceOption"/> does).</param>
    /// <exception cref="ArgumentException">There is no branch, a name is empty, repeated or equal to the selector key, a space is null, the selector key is empty, or <paramref name="defaultBranch"/> is not a branch.</exception>
    public ConditionalSearchSpace(IEnumerable<KeyValuePair<string, SearchSpace>> branches, string selectorKey = DefaultSelectorKey, string? defaultBranch = null)
    {
        ArgumentNullException.ThrowIfNull(branches);
        ArgumentNullException.ThrowIfNull(selectorKey);
        if (selectorKey.Length == 0)
        {
            throw new ArgumentException("The selector key of a conditional search space must not be empty.", nameof(selectorKey));
        }

        foreach (KeyValuePair<string, SearchSpace> branch in branches)
        {
            if (string.IsNullOrEmpty(branch.Key))
            {
                throw new ArgumentException("A branch name of a conditional search space must not be null or empty.", nameof(branches));
            }

            if (string.Equals(branch.Key, selectorKey, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Branch \"{branch.Key}\" has the name of the selector key; a sampled value holds both, so they must differ.", nameof(branches));
            }

            if (branch.Value is null)
            {
                throw new ArgumentException($"Branch \"{branch.Key}\" has no search space (null); use an empty SearchSpace for a branch without hyperparameters.", nameof(branches));
            }

            if (!this.branches.TryAdd(branch.Key, branch.Value))
            {
                throw new ArgumentException($"Branch \"{branch.Key}\" is given twice; branch names must be distinct.", nameof(branches));
            }
        }

        if (this.branches.Count == 0)
        {
            throw new ArgumentException("A conditional search space needs at least one branch, got none.", nameof(branches));
        }

        SelectorKey = selectorKey;
        names = new ReadOnlyCollection<string>([.. this.branches.Keys]);
        Branches = new ReadOnlyDictionary<string, SearchSpace>(this.branches);
        if (defaultBranch is null)
        {
            defaultLevel = Math.Min(names.Count / 2, names.Count - 1);
        }
        else
        {
            defaultLevel = names.IndexOf(defaultBranch);
            if (defaultLevel < 0)
            {
                throw new ArgumentException($"The default branch \"{defaultBranch}\" is not one of the branches [{string.Join(", ", names)}].", nameof(defaultBranch));
            }
        }
    }

    /// <summary>Gets the key of the selector in a sampled value (<c>trainer</c>).</summary>
    public string SelectorKey { get; }

    /// <summary>Gets the branch names in slot (ordinal) order; branch <c>i</c> owns bin <c>i</c> of the selector slot.</summary>
    public IReadOnlyList<string> BranchNames => names;

    /// <summary>Gets the branches by name, enumerated in slot (ordinal) order.</summary>
    public IReadOnlyDictionary<string, SearchSpace> Branches { get; }

    /// <summary>Gets the branch of <see cref="Default"/>.</summary>
    public string DefaultBranch => names[defaultLevel];

    /// <summary>Gets the number of selector slots: 1, or 0 when there is a single branch.</summary>
    internal int SelectorDim => names.Count == 1 ? 0 : 1;

    /// <inheritdoc />
    /// <value>The selector slot plus the sum of the branches' dimensions.</value>
    public override int FeatureSpaceDim => SelectorDim + this.branches.Values.Sum(b => b.FeatureSpaceDim);

    /// <inheritdoc />
    /// <value>The selector at the default branch's bin centre, then every branch's default.</value>
    public override double[] Default
    {
        get
        {
            double[] result = new double[FeatureSpaceDim];
            if (SelectorDim == 1)
            {
                result[0] = BinCentre(defaultLevel);
            }

            FillDefaults(result);
            return result;
        }
    }

    /// <inheritdoc />
    /// <value>The number of branches for the selector slot, then every branch's steps.</value>
    public override int?[] Step
        => [.. (SelectorDim == 1 ? new int?[] { names.Count } : []), .. this.branches.Values.SelectMany(b => b.Step)];

    /// <summary>Gets the branch a feature vector selects.</summary>
    /// <param name="values">A point of the space's slots, length <see cref="FeatureSpaceDim"/>.</param>
    /// <returns>The branch's level (its index in <see cref="BranchNames"/>).</returns>
    /// <exception cref="ArgumentException">The length is wrong or a value is NaN or outside [0, 1].</exception>
    public int SelectLevel(double[] values)
    {
        UnitCube.CheckFeatures(values, FeatureSpaceDim, Describe(), nameof(values));
        return LevelOf(values[..SelectorDim]);
    }

    /// <summary>Gets the offset of a branch's first slot within this space's slots.</summary>
    /// <param name="level">The branch's level (its index in <see cref="BranchNames"/>).</param>
    /// <returns>The offset.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The level is not a branch's.</exception>
    public int BranchOffset(int level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, names.Count);
        int offset = SelectorDim;
        for (int i = 0; i < level; i++)
        {
            offset += this.branches[names[i]].FeatureSpaceDim;
        }

        return offset;
    }

    /// <inheritdoc />
    /// <returns>An object with the selector key (a string, the branch name) and the branch's own value under the branch name.</returns>
    public override Parameter SampleFromFeatureSpace(double[] values)
    {
        int level = SelectLevel(values);
        string name = names[level];
        SearchSpace branch = this.branches[name];
        int offset = BranchOffset(level);
        Parameter value = branch.SampleFromFeatureSpace(values.AsSpan(offset, branch.FeatureSpaceDim).ToArray());
        return Parameter.CreateNestedParameter((SelectorKey, Parameter.FromString(name)), (name, value));
    }

    /// <inheritdoc />
    /// <param name="value">An object whose selector key names a branch and whose key of that name holds the branch's value; other keys are ignored.</param>
    /// <returns>The selector's bin centre, the branch's encoding, and every other branch's default.</returns>
    /// <exception cref="ArgumentException">The value is not an object, the selector is missing, not a string or not a branch, the branch's key is missing, or the branch's value does not fit its space.</exception>
    public override double[] MappingToFeatureSpace(Parameter value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.ParameterType != ParameterType.Object)
        {
            throw new ArgumentException(
                $"A conditional value must be an Object with keys '{SelectorKey}' and one of [{string.Join(", ", names)}], got {value.ParameterType} {value.Preview()}.", nameof(value));
        }

        if (!value.TryGetValue(SelectorKey, out Parameter? selector))
        {
            throw new ArgumentException(
                $"The conditional value has no selector key '{SelectorKey}'; its keys are [{string.Join(", ", value.Keys)}].", nameof(value));
        }

        int level = selector.ParameterType == ParameterType.String ? names.IndexOf(selector.AsType<string>()) : -1;
        if (level < 0)
        {
            throw new ArgumentException(
                $"The selector '{SelectorKey}' is {selector.Preview()}; expected one of the branches [{string.Join(", ", names.Select(n => $"\"{n}\""))}].", nameof(value));
        }

        string name = names[level];
        if (!value.TryGetValue(name, out Parameter? child))
        {
            throw new ArgumentException(
                $"The selector '{SelectorKey}' is \"{name}\" but the value has no key '{name}' for that branch; its keys are [{string.Join(", ", value.Keys)}].", nameof(value));
        }

        double[] result = new double[FeatureSpaceDim];
        FillDefaults(result);
        if (SelectorDim == 1)
        {
            result[0] = BinCentre(level);
        }

        double[] encoded;
        try
        {
            encoded = this.branches[name].MappingToFeatureSpace(child);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Branch '{name}': {UnitCube.BareMessage(ex)}", nameof(value), ex);
        }

        encoded.CopyTo(result, BranchOffset(level));
        return result;
    }

    /// <summary>Describes the space: <c>ConditionalSearchSpace(trainer: lightgbm → SearchSpace(...), mlp → SearchSpace(...))</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
        => $"{nameof(ConditionalSearchSpace)}({SelectorKey}: {string.Join(", ", this.branches.Select(kv => $"{kv.Key} → {kv.Value}"))})";

    /// <inheritdoc />
    protected internal override IEnumerable<FeatureDimension> DescribeFeatureSpace(string keyPath, int offset)
    {
        string selectorPath = Parameter.ChildPath(keyPath, SelectorKey);
        if (SelectorDim == 1)
        {
            yield return new FeatureDimension(offset, selectorPath, FeatureDimensionKind.Categorical, names.Count, false, null, null, [], names);
        }

        int branchOffset = offset + SelectorDim;
        for (int level = 0; level < names.Count; level++)
        {
            SearchSpace branch = this.branches[names[level]];
            var condition = new FeatureCondition(offset, selectorPath, level, names[level]);
            foreach (FeatureDimension dimension in branch.DescribeFeatureSpace(Parameter.ChildPath(keyPath, names[level]), branchOffset))
            {
                yield return SelectorDim == 1 ? dimension.Under(condition) : dimension;
            }

            branchOffset += branch.FeatureSpaceDim;
        }
    }

    /// <summary>Whether <paramref name="target"/> is a branch or lies inside one.</summary>
    internal bool Nests(SearchSpace target) => this.branches.Values.Any(b => ReferenceEquals(b, target) || b.Nests(target));

    private string Describe() => string.Create(CultureInfo.InvariantCulture, $"{nameof(ConditionalSearchSpace)}({SelectorKey}: [{string.Join(", ", names)}])");

    private int LevelOf(double[] selector)
    {
        if (selector.Length == 0)
        {
            return 0;
        }

        int n = names.Count;
        double bin = Math.Floor(selector[0] * n);
        return bin >= n ? n - 1 : (int)bin;
    }

    private double BinCentre(int level) => (level + 0.5) / names.Count;

    private void FillDefaults(double[] destination)
    {
        int offset = SelectorDim;
        foreach (SearchSpace branch in this.branches.Values)
        {
            branch.Default.CopyTo(destination, offset);
            offset += branch.FeatureSpaceDim;
        }
    }
}
