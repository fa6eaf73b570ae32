using System.Globalization;

namespace MLNet.HyperGrad.Transfer;

/// <summary>One earlier task (study) of the same search space: the points it evaluated and their losses, for pre-training a GP prior.</summary>
/// <remarks>
/// <para>
/// <see cref="Inputs"/> are points of the unit cube exactly as the Gaussian-process tuners encode the search space
/// (<c>SearchSpace.MappingToFeatureSpace</c>, one slot per <c>FeatureDimension</c>); <see cref="Losses"/> are minimized
/// (a maximized metric enters as its negative). Construction checks the data: at least 2 points, as many losses as
/// inputs, every row of the same dimension, every value finite, every input in [0, 1].
/// </para>
/// <para>
/// Two tasks "share" a point when their inputs are identical (bit for bit); pre-training compares tasks at the points
/// that every task holds (<see cref="GpPriorPretraining"/>).
/// </para>
/// </remarks>
public sealed record TransferTask
{
    /// <summary>Creates a task, checking its data.</summary>
    /// <param name="name">The task's name (a study name or a data set), not empty.</param>
    /// <param name="inputs">The evaluated points, each of <c>d</c> values in [0, 1].</param>
    /// <param name="losses">One finite loss per point (smaller is better).</param>
    /// <exception cref="ArgumentException">The name is empty, fewer than 2 points, counts differ, rows are ragged, or a value is not finite or outside [0, 1]; the message names the argument and the values.</exception>
    public TransferTask(string name, IReadOnlyList<double[]> inputs, IReadOnlyList<double> losses)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(losses);
        if (inputs.Count < 2)
        {
            throw new ArgumentException(Invariant($"Task '{name}' needs at least 2 points to pre-train on; got {inputs.Count}."), nameof(inputs));
        }

        if (losses.Count != inputs.Count)
        {
            throw new ArgumentException(Invariant($"Task '{name}' has {inputs.Count} inputs but {losses.Count} losses; expected one loss per input."), nameof(losses));
        }

        int d = inputs[0]?.Length ?? throw new ArgumentException(Invariant($"Task '{name}': input 0 is null."), nameof(inputs));
        var rows = new double[inputs.Count][];
        for (int i = 0; i < inputs.Count; i++)
        {
            double[] row = inputs[i] ?? throw new ArgumentException(Invariant($"Task '{name}': input {i} is null."), nameof(inputs));
            if (row.Length != d)
            {
                throw new ArgumentException(Invariant($"Task '{name}': input {i} has {row.Length} values; expected {d} (the dimension of input 0)."), nameof(inputs));
            }

            for (int j = 0; j < d; j++)
            {
                if (!(row[j] >= 0.0 && row[j] <= 1.0))
                {
                    throw new ArgumentException(Invariant($"Task '{name}': input {i}, dimension {j} is {row[j]}; expected a finite value in [0, 1] (the unit-cube encoding)."), nameof(inputs));
                }
            }

            rows[i] = (double[])row.Clone();
        }

        for (int i = 0; i < losses.Count; i++)
        {
            if (!double.IsFinite(losses[i]))
            {
                throw new ArgumentException(Invariant($"Task '{name}': loss {i} is {losses[i]}; every loss must be finite."), nameof(losses));
            }
        }

        Name = name;
        Inputs = rows;
        Losses = [.. losses];
    }

    /// <summary>Gets the task's name.</summary>
    public string Name { get; }

    /// <summary>Gets the evaluated points (copies), each of <see cref="Dimension"/> values in [0, 1].</summary>
    public IReadOnlyList<double[]> Inputs { get; }

    /// <summary>Gets the losses, one per point.</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>Gets meta-features of the task's data (rows, columns, class balance...), for reports and filters; null when unknown.</summary>
    /// <value>The default is null.</value>
    public IReadOnlyDictionary<string, double>? MetaFeatures { get; init; }

    /// <summary>Gets the input dimension <c>d</c>.</summary>
    public int Dimension => Inputs[0].Length;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
