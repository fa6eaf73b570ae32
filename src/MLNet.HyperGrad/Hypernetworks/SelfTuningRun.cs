using System.Globalization;
using System.Text;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>What a self-tuning run produced: the learned schedule and the network at the final hyperparameters.</summary>
public sealed record SelfTuningRun
{
    /// <summary>Gets the MLP's layer sizes, input to output.</summary>
    public IReadOnlyList<int> LayerSizes { get; init => field = Array.AsReadOnly([.. value ?? throw new ArgumentNullException(nameof(value))]); } = [];

    /// <summary>Gets one entry per epoch: the learned schedule of dropout rates and L2 coefficients, with the losses.</summary>
    public IReadOnlyList<SelfTuningEpoch> Schedule { get; init => field = Array.AsReadOnly([.. value ?? throw new ArgumentNullException(nameof(value))]); } = [];

    /// <summary>Gets the plain MLP weights W(λ), b(λ) at the final mean hyperparameters (w0, b0, w1, b1, …; weight l is [out, in] row-major), float64.</summary>
    public IReadOnlyList<double[]> Weights { get; init; } = [];

    /// <summary>Gets the final dropout rate of each hidden layer.</summary>
    public IReadOnlyList<double> Dropout => Schedule.Count > 0 ? Schedule[^1].Dropout : [];

    /// <summary>Gets the final L2 coefficient of each affine layer.</summary>
    public IReadOnlyList<double> L2 => Schedule.Count > 0 ? Schedule[^1].L2 : [];

    /// <summary>Gets the validation cross-entropy after the last epoch (mean hyperparameters, dropout off).</summary>
    public double ValidationLoss => Schedule.Count > 0 ? Schedule[^1].ValidationLoss : double.NaN;

    /// <summary>Gets the validation accuracy after the last epoch.</summary>
    public double ValidationAccuracy => Schedule.Count > 0 ? Schedule[^1].ValidationAccuracy : double.NaN;

    /// <summary>The learned schedule as a Markdown table: per epoch, the dropout of each hidden layer, the L2 of each layer, σ and the losses.</summary>
    /// <returns>The table, one line per epoch after a header.</returns>
    public string FormatSchedule()
    {
        var text = new StringBuilder();
        int hidden = Schedule.Count > 0 ? Schedule[0].Dropout.Count : 0;
        int layers = Schedule.Count > 0 ? Schedule[0].L2.Count : 0;
        IEnumerable<string> header = ["epoch", .. Enumerable.Range(0, hidden).Select(j => $"dropout {j}"), .. Enumerable.Range(0, layers).Select(l => $"L2 {l}"), "mean σ", "train CE", "validation CE", "validation accuracy"];
        text.Append("| ").AppendJoin(" | ", header).AppendLine(" |");
        text.Append('|').AppendJoin(string.Empty, header.Select(_ => "---|")).AppendLine();
        foreach (SelfTuningEpoch e in Schedule)
        {
            IEnumerable<string> cells =
            [
                e.Epoch.ToString(CultureInfo.InvariantCulture),
                .. e.Dropout.Select(p => p.ToString("F3", CultureInfo.InvariantCulture)),
                .. e.L2.Select(c => c.ToString("G3", CultureInfo.InvariantCulture)),
                e.PerturbationScales.Average().ToString("F3", CultureInfo.InvariantCulture),
                e.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
                e.ValidationLoss.ToString("F4", CultureInfo.InvariantCulture),
                e.ValidationAccuracy.ToString("F4", CultureInfo.InvariantCulture),
            ];
            text.Append("| ").AppendJoin(" | ", cells).AppendLine(" |");
        }

        return text.ToString();
    }
}
