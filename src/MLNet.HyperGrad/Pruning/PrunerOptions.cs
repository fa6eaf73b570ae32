namespace MLNet.HyperGrad.Pruning;

/// <summary>Reports every bad setting of a pruner together.</summary>
internal static class PrunerOptions
{
    /// <summary>Throws an <see cref="ArgumentException"/> listing the problems, if any.</summary>
    public static void ThrowIf(List<string> problems, string pruner)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {pruner} settings: " + string.Join(" ", problems));
        }
    }
}
