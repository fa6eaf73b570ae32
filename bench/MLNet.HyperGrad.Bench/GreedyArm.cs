using System.Globalization;

namespace MLNet.HyperGrad.Bench;

/// <summary>One greedy one-step setting of the <c>hypergrad-core</c> bench: the update interval k, the online step β, the validation rows of each differentiated step and the fraction of the run, from its start, differentiated at every step.</summary>
/// <param name="Interval">k, the steps between two differentiated steps after the every-step part.</param>
/// <param name="Rate">β, the online step (the normalized step's size in the region part; unused by the cost part).</param>
/// <param name="Rows">Validation rows per differentiated step (<see cref="Hypergradients.MlpInnerProblem.ValidationBatchSize"/>).</param>
/// <param name="EveryStepFraction">The fraction of the run, from its start, in which every step is differentiated (<see cref="Hypergradients.GreedyOneStep.EveryStepFraction"/>).</param>
internal sealed record GreedyArm(int Interval, double Rate, int Rows, double EveryStepFraction)
{
    /// <summary>A short label: "k = 4, 200 rows" with ", k = 1 for the first 10 %" when the every-step part is not empty.</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture, $"k = {Interval}, {Rows} rows{(EveryStepFraction > 0 ? $", k = 1 for the first {EveryStepFraction:P0}" : string.Empty)}");

    /// <summary>Parses "k:β[:rows[:f]]" (region arms) or, with <paramref name="withRate"/> false, "k[:rows[:f]]" (cost arms), comma-separated.</summary>
    /// <param name="text">The arms.</param>
    /// <param name="withRate">Whether the second field is β.</param>
    /// <param name="defaultRate">β when the format has none.</param>
    /// <param name="defaultRows">Rows when an arm gives none.</param>
    /// <returns>The arms in order.</returns>
    /// <exception cref="FormatException">An arm does not parse.</exception>
    public static GreedyArm[] ParseList(string text, bool withRate, double defaultRate, int defaultRows) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(a => Parse(a, withRate, defaultRate, defaultRows))];

    private static GreedyArm Parse(string arm, bool withRate, double defaultRate, int defaultRows)
    {
        string[] p = arm.Split(':');
        int offset = withRate ? 1 : 0;
        if (p.Length < 1 + offset || p.Length > 3 + offset)
        {
            throw new FormatException($"A greedy arm must be {(withRate ? "k:β[:rows[:f]]" : "k[:rows[:f]]")}; got \"{arm}\".");
        }

        int interval = int.Parse(p[0], CultureInfo.InvariantCulture);
        double rate = withRate ? double.Parse(p[1], CultureInfo.InvariantCulture) : defaultRate;
        int rows = p.Length > 1 + offset ? int.Parse(p[1 + offset], CultureInfo.InvariantCulture) : defaultRows;
        double fraction = p.Length > 2 + offset ? double.Parse(p[2 + offset], CultureInfo.InvariantCulture) : 0;
        return new GreedyArm(interval, rate, rows, fraction);
    }
}
