namespace MLNet.HyperGrad.Reporting;

/// <summary>A scale of named categories placed evenly, each in the middle of its band; values are category indexes.</summary>
internal sealed class CategoricalScale : Scale
{
    private readonly Dictionary<string, int> indexes;

    /// <summary>Initializes a scale over the distinct <paramref name="categories"/>, kept in the order given.</summary>
    public CategoricalScale(IEnumerable<string> categories)
    {
        Categories = [.. categories.Distinct(StringComparer.Ordinal)];
        indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Categories.Count; i++)
        {
            indexes[Categories[i]] = i;
        }
    }

    /// <summary>Gets the categories, in axis order.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <inheritdoc />
    public override bool IsCategorical => true;

    /// <summary>Gets the index of a category, or -1 when the scale lacks it.</summary>
    public int IndexOf(string category) => indexes.TryGetValue(category, out int index) ? index : -1;

    /// <inheritdoc />
    public override double Fraction(double value) => (value + 0.5) / Math.Max(1, Categories.Count);

    /// <inheritdoc />
    public override IReadOnlyList<AxisTick> Ticks(int targetCount)
        => [.. Categories.Select((c, i) => new AxisTick(i, c))];
}
