using System.Globalization;
using System.Text.Json;

namespace MLNet.HyperGrad.Transfer;

/// <summary>What a study records about the transfer prior it was tuned with: the filter, the studies that formed the prior and how much each was trusted, the studies left out and why, and the prior itself when small.</summary>
/// <remarks>
/// Stored as study attributes (<see cref="ToAttributes"/>): <c>transfer.filter</c> (text), <c>transfer.sources</c> (JSON array of
/// <c>{"study", "trials", "nllPerPoint"}</c>), <c>transfer.rejected</c> (JSON array of <c>{"study", "reason"}</c>) and <c>transfer.prior</c>
/// (<see cref="PretrainedGpPrior.ToJson"/>, only when at most <see cref="MaxPriorJsonLength"/> characters). The report reads them back
/// with <see cref="FromAttributes"/>.
/// </remarks>
public sealed record TransferSummary
{
    /// <summary>The study attribute that holds the filter's description.</summary>
    public const string FilterAttribute = "transfer.filter";

    /// <summary>The study attribute that holds the sources, as a JSON array of <c>{"study", "trials", "nllPerPoint"}</c>.</summary>
    public const string SourcesAttribute = "transfer.sources";

    /// <summary>The study attribute that holds the rejected studies, as a JSON array of <c>{"study", "reason"}</c>.</summary>
    public const string RejectedAttribute = "transfer.rejected";

    /// <summary>The study attribute that holds the prior's JSON, when it is small enough.</summary>
    public const string PriorAttribute = "transfer.prior";

    /// <summary>The longest prior JSON stored with a study: 256 KiB of text.</summary>
    public const int MaxPriorJsonLength = 256 * 1024;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Gets the description of the filter that selected the earlier studies.</summary>
    public required string Filter { get; init; }

    /// <summary>Gets the studies that formed the prior, in the order they were read.</summary>
    public required IReadOnlyList<TransferSource> Sources { get; init; }

    /// <summary>Gets the studies the filter selected that were left out, with reasons.</summary>
    /// <value>The default is empty.</value>
    public IReadOnlyList<RejectedStudy> Rejected { get; init; } = [];

    /// <summary>Gets the prior's JSON (<see cref="PretrainedGpPrior.ToJson"/>), or null when it was too large to store.</summary>
    public string? PriorJson { get; init; }

    /// <summary>Gets why the stored attributes could not be read in full (malformed JSON), or null when they could.</summary>
    public string? Problem { get; init; }

    /// <summary>The study attributes that record this summary.</summary>
    /// <returns>The attributes by key; <see cref="PriorAttribute"/> only when <see cref="PriorJson"/> is set and at most <see cref="MaxPriorJsonLength"/> long.</returns>
    public IReadOnlyDictionary<string, string> ToAttributes()
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FilterAttribute] = Filter,
            [SourcesAttribute] = JsonSerializer.Serialize(Sources.Select(s => new SourceDto { Study = s.Study, Trials = s.Trials, NllPerPoint = double.IsFinite(s.NegativeLogLikelihoodPerPoint) ? s.NegativeLogLikelihoodPerPoint : null }), Json),
            [RejectedAttribute] = JsonSerializer.Serialize(Rejected.Select(r => new RejectedDto { Study = r.Name, Reason = r.Reason }), Json),
        };
        if (PriorJson is { Length: <= MaxPriorJsonLength } prior)
        {
            attributes[PriorAttribute] = prior;
        }

        return attributes;
    }

    /// <summary>Reads what a study records about its transfer prior.</summary>
    /// <param name="attributes">The study's attributes.</param>
    /// <returns>The summary, or null when the study was not tuned with a transfer prior (no <see cref="SourcesAttribute"/>); a summary whose attributes are malformed has <see cref="Problem"/> set and what could be read.</returns>
    public static TransferSummary? FromAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (!attributes.TryGetValue(SourcesAttribute, out string? sourcesJson))
        {
            return null;
        }

        string filter = attributes.GetValueOrDefault(FilterAttribute) ?? "an unrecorded filter";
        string? prior = attributes.GetValueOrDefault(PriorAttribute);
        var problems = new List<string>();
        IReadOnlyList<TransferSource> sources = Read<SourceDto, TransferSource>(sourcesJson, SourcesAttribute, problems, d => d.Study is null ? null : new TransferSource(d.Study, d.Trials, d.NllPerPoint ?? double.NaN));
        IReadOnlyList<RejectedStudy> rejected = attributes.TryGetValue(RejectedAttribute, out string? rejectedJson)
            ? Read<RejectedDto, RejectedStudy>(rejectedJson, RejectedAttribute, problems, d => d.Study is null ? null : new RejectedStudy(d.Study, d.Reason ?? string.Empty))
            : [];
        return new TransferSummary
        {
            Filter = filter,
            Sources = sources,
            Rejected = rejected,
            PriorJson = prior,
            Problem = problems.Count > 0 ? string.Join(" ", problems) : null,
        };
    }

    private static IReadOnlyList<TResult> Read<TDto, TResult>(string json, string attribute, List<string> problems, Func<TDto, TResult?> convert)
        where TResult : class
    {
        try
        {
            TDto[] items = JsonSerializer.Deserialize<TDto[]>(json, Json) ?? [];
            TResult?[] converted = [.. items.Select(convert)];
            int missing = converted.Count(c => c is null);
            if (missing > 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"The study attribute {attribute} has {missing} entr{(missing == 1 ? "y" : "ies")} without a study name."));
            }

            return [.. converted.OfType<TResult>()];
        }
        catch (JsonException ex)
        {
            problems.Add($"The study attribute {attribute} is not the JSON array expected: {ex.Message}");
            return [];
        }
    }

    private sealed class SourceDto
    {
        public string? Study { get; set; }

        public int Trials { get; set; }

        public double? NllPerPoint { get; set; }
    }

    private sealed class RejectedDto
    {
        public string? Study { get; set; }

        public string? Reason { get; set; }
    }
}
