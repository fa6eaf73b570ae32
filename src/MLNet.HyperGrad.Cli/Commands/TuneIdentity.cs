using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Data;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>What a study made by the command is about (its data's fingerprint, task, label and metric), and how the command explains a resume that changes it.</summary>
internal static class TuneIdentity
{
    /// <summary>Values longer than this are not repeated in the message, only named.</summary>
    private const int MaxShownLength = 60;

    /// <summary>The identity given to <see cref="HyperGradExperiment.SetStudyIdentity"/>.</summary>
    public static IReadOnlyDictionary<string, string> Create(TuneSettings settings, TuneData data, string metricName)
    {
        var identity = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["task"] = settings.Task.ToString().ToLowerInvariant(),
            ["metric"] = metricName,
            ["label"] = data.Schema?.LabelColumn ?? "the image class",
        };
        if (settings.IsFashionMnist)
        {
            identity["data"] = "Fashion-MNIST";
        }
        else
        {
            AddAll(identity, DataFingerprint.OfFile(settings.Dataset));
            if (settings.ValidationDataset is { } validation)
            {
                AddAll(identity, DataFingerprint.OfFile(validation, "validation data"));
            }
        }

        if (data.Schema is { } schema)
        {
            identity["column schema"] = string.Join(", ", schema.Columns.Select(c => $"{c.Name} ({c.Kind.ToString().ToLowerInvariant()})"));
        }

        identity["row count"] = (data.Train.Rows + data.Validation.Rows).ToString(CultureInfo.InvariantCulture);
        return identity;
    }

    /// <summary>One line in the command's terms: what changed and how to start a new study.</summary>
    public static string Explain(StudyIdentityMismatchException mismatch) =>
        $"cannot resume study \"{mismatch.StudyName}\" with other data or another task: {string.Join("; ", mismatch.Differences.Select(Describe))}. "
        + "To tune this data or task, start a new study with --study <name> (or another -o).";

    private static string Describe(StudyIdentityDifference d) =>
        d.Study.Length > MaxShownLength || d.Run.Length > MaxShownLength ? $"the {d.Name} changed" : $"the {d.Name} was {d.Study}, now {d.Run}";

    private static void AddAll(Dictionary<string, string> identity, IReadOnlyDictionary<string, string> parts)
    {
        foreach ((string key, string value) in parts)
        {
            identity[key] = value;
        }
    }
}
