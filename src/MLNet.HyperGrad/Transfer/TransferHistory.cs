using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Transfer;

/// <summary>
/// A user's own history as transfer tasks: the earlier studies of a storage that a filter selects and that tuned the same search
/// space, each turned into one <see cref="TransferTask"/> (its complete trials, encoded as the Gaussian-process tuner encodes them).
/// </summary>
/// <remarks>
/// <para>
/// A study selected by the filter is used when its stored search space describes the same options as this run's
/// (<see cref="SearchSpaceDescription.Compare"/>: same key paths, kinds, scales, branches and conditions; other ranges are allowed
/// with <see cref="TransferHistoryOptions.AllowRangeDifferences"/>) and it has at least
/// <see cref="TransferHistoryOptions.MinCompleteTrials"/> usable trials. A usable trial is complete (pruned, failed, interrupted and
/// running trials are skipped) with a finite loss, and its parameters lie inside this run's space. Its point is the canonical
/// encoding the Gaussian-process tuner gives it: <c>MappingToFeatureSpace(SampleFromFeatureSpace(x))</c> of the unit-cube point
/// (integer and choice slots at their bins' encodings, inactive branches at their defaults). Its loss is the stored loss, which a
/// storage keeps smaller-is-better whatever the study's direction (<see cref="StudyDirection.Maximize"/> stores <c>-metric</c>).
/// </para>
/// <para>Every rejection has a reason (<see cref="Rejected"/>); when no study is left, <see cref="ReadAsync"/> throws
/// <see cref="TransferHistoryException"/> with them all.</para>
/// </remarks>
public sealed class TransferHistory
{
    /// <summary>How many search-space differences a rejection names before it says how many more there are.</summary>
    private const int DifferencesShown = 3;

    private TransferHistory(string filter, IReadOnlyList<TransferTask> tasks, IReadOnlyList<StudyRecord> sources, IReadOnlyList<RejectedStudy> rejected)
    {
        Filter = filter;
        Tasks = tasks;
        Sources = sources;
        Rejected = rejected;
    }

    /// <summary>Gets the description of the filter that selected the studies.</summary>
    public string Filter { get; }

    /// <summary>Gets one task per usable study, in the storage's creation order; each task is named after its study.</summary>
    public IReadOnlyList<TransferTask> Tasks { get; }

    /// <summary>Gets the studies the tasks come from, in the order of <see cref="Tasks"/>.</summary>
    public IReadOnlyList<StudyRecord> Sources { get; }

    /// <summary>Gets the studies the filter selected but that were left out, each with its reason.</summary>
    public IReadOnlyList<RejectedStudy> Rejected { get; }

    /// <summary>Reads the usable earlier studies of a storage.</summary>
    /// <param name="storage">The storage holding the earlier studies.</param>
    /// <param name="space">The search space of the new study: studies must tune the same options, and trials are encoded in its unit cube.</param>
    /// <param name="filter">Which studies to consider.</param>
    /// <param name="options">The settings; null uses the defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The usable studies as tasks, and the rejected ones with reasons.</returns>
    /// <exception cref="ArgumentException">The options are invalid, or the space has no options.</exception>
    /// <exception cref="TransferHistoryException">No study matches the filter, or every one that does was rejected; the message lists them with their reasons.</exception>
    public static async Task<TransferHistory> ReadAsync(
        IStudyStorage storage,
        SearchSpace space,
        StudyFilter filter,
        TransferHistoryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(filter);
        options ??= new TransferHistoryOptions();
        options.Validate();
        if (space.FeatureSpaceDim == 0)
        {
            throw new ArgumentException("Expected a search space with at least one tunable option, got one with none: there is nothing to transfer.", nameof(space));
        }

        IReadOnlyList<StudyRecord> all = await storage.ListStudiesAsync(cancellationToken);
        var tasks = new List<TransferTask>();
        var sources = new List<StudyRecord>();
        var rejected = new List<RejectedStudy>();
        foreach (StudyRecord study in all.Where(filter.Matches))
        {
            if (string.Equals(study.Name, options.ExcludeStudy, StringComparison.Ordinal))
            {
                rejected.Add(new RejectedStudy(study.Name, "it is the study being tuned"));
                continue;
            }

            if (SpaceMismatch(study, space, options) is { } mismatch)
            {
                rejected.Add(new RejectedStudy(study.Name, mismatch));
                continue;
            }

            IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id, cancellationToken);
            (List<double[]> inputs, List<double> losses, int outside) = Encode(trials, space);
            if (inputs.Count < options.MinCompleteTrials)
            {
                rejected.Add(new RejectedStudy(study.Name, TooFew(trials, inputs.Count, outside, options.MinCompleteTrials)));
                continue;
            }

            IReadOnlyDictionary<string, double> meta = DataMetaFeatures.FromAttributes(study.Attributes);
            tasks.Add(new TransferTask(study.Name, inputs, losses) { MetaFeatures = meta.Count > 0 ? meta : null });
            sources.Add(study);
        }

        if (tasks.Count == 0)
        {
            throw new TransferHistoryException(NothingUsable(filter, all, rejected), filter.Description, rejected);
        }

        return new TransferHistory(filter.Description, tasks, sources, rejected);
    }

    /// <summary>Why a study's search space rules it out, or null when it does not.</summary>
    private static string? SpaceMismatch(StudyRecord study, SearchSpace space, TransferHistoryOptions options)
    {
        IReadOnlyList<SearchSpaceDifference> differences = SearchSpaceDescription.Compare(study.SearchSpaceJson, space);
        SearchSpaceDifference[] blocking = [.. differences.Where(d => !options.AllowRangeDifferences || d.Property is not ("min" or "max" or "levels"))];
        if (blocking.Length == 0)
        {
            return null;
        }

        string shown = string.Join("; ", blocking.Take(DifferencesShown));
        string more = blocking.Length > DifferencesShown ? string.Create(CultureInfo.InvariantCulture, $"; and {blocking.Length - DifferencesShown} more") : string.Empty;
        return $"another search space ({shown}{more})";
    }

    /// <summary>The usable trials' canonical unit-cube points and losses, and how many complete trials lay outside the space.</summary>
    private static (List<double[]> Inputs, List<double> Losses, int Outside) Encode(IReadOnlyList<TrialRecord> trials, SearchSpace space)
    {
        var inputs = new List<double[]>();
        var losses = new List<double>();
        int outside = 0;
        foreach (TrialRecord trial in trials.Where(t => t.State == TrialState.Complete && t.Loss is double loss && double.IsFinite(loss) && loss != double.MaxValue))
        {
            double[] x;
            try
            {
                x = space.MappingToFeatureSpace(Parameter.FromJson(trial.ParametersJson));
            }
            catch (ArgumentException)
            {
                outside++;
                continue;
            }

            inputs.Add(Canonical(space, x));
            losses.Add(trial.Loss!.Value);
        }

        return (inputs, losses, outside);
    }

    /// <summary>The point the search space evaluates for a unit-cube point, as the Gaussian-process tuner encodes its observations.</summary>
    private static double[] Canonical(SearchSpace space, double[] x)
    {
        double[] clamped = [.. x.Select(v => Math.Clamp(v, 0.0, 1.0))];
        bool plainContinuous = space.FeatureDimensions.All(d => d.Kind == FeatureDimensionKind.Continuous && d.ActiveWhen.Count == 0);
        return plainContinuous ? clamped : space.MappingToFeatureSpace(space.SampleFromFeatureSpace(clamped));
    }

    private static string TooFew(IReadOnlyList<TrialRecord> trials, int usable, int outside, int needed)
    {
        var skipped = new List<string>();
        void Count(int n, string what)
        {
            if (n > 0)
            {
                skipped.Add(string.Create(CultureInfo.InvariantCulture, $"{n} {what}"));
            }
        }

        Count(trials.Count(t => t.State == TrialState.Pruned), "pruned");
        Count(trials.Count(t => t.State == TrialState.Failed), "failed");
        Count(trials.Count(t => t.State is TrialState.Interrupted or TrialState.Running), "interrupted or running");
        Count(trials.Count(t => t.State == TrialState.Complete && !(t.Loss is double v && double.IsFinite(v) && v != double.MaxValue)), "complete without a finite loss");
        Count(outside, "outside this run's ranges");
        string detail = skipped.Count > 0 ? $"; skipped {string.Join(", ", skipped)}" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{usable} usable complete trial(s) of {trials.Count}, at least {needed} needed{detail}");
    }

    private static string NothingUsable(StudyFilter filter, IReadOnlyList<StudyRecord> all, List<RejectedStudy> rejected)
    {
        if (rejected.Count == 0)
        {
            string names = all.Count == 0 ? "the storage holds no study"
                : $"the storage holds {string.Join(", ", all.Take(10).Select(s => s.Name))}{(all.Count > 10 ? string.Create(CultureInfo.InvariantCulture, $" and {all.Count - 10} more") : string.Empty)}";
            return $"No earlier study matches {filter.Description}: {names}.";
        }

        return $"No earlier study can form a transfer prior: of the studies matching {filter.Description}, {string.Join("; ", rejected)}.";
    }
}
