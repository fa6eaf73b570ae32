using System.Collections.ObjectModel;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Reporting;

/// <summary>One trial as a report shows it: its state, scores, flattened hyperparameters and learning curve.</summary>
/// <remarks>
/// Independent of storage: build it from a study's rows, from a <see cref="TrialResult"/>
/// (<see cref="FromTrialResult"/>) or by hand. The collections are copied when set, so a trial does not
/// change after it is built.
/// </remarks>
public sealed partial record ReportTrial
{
    private static readonly IReadOnlyDictionary<string, ReportValue> NoParameters =
        new ReadOnlyDictionary<string, ReportValue>(new Dictionary<string, ReportValue>(StringComparer.Ordinal));

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<double>> NoArrays =
        new ReadOnlyDictionary<string, IReadOnlyList<double>>(new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal));

    private readonly IReadOnlyDictionary<string, ReportValue> parameters = NoParameters;
    private readonly IReadOnlyList<double> validationCurve = [];
    private readonly IReadOnlyList<string> selectors = [];

    /// <summary>Gets the trial's number in the study (from 0 or 1, as the study counts).</summary>
    public required int Number { get; init; }

    /// <summary>Gets how the trial ended, or that it is still running.</summary>
    /// <value>The default is <see cref="TrialState.Complete"/>.</value>
    public TrialState State { get; init; } = TrialState.Complete;

    /// <summary>Gets the loss the tuner minimized, or null when unknown.</summary>
    public double? Loss { get; init; }

    /// <summary>Gets the metric reported to people (accuracy, R²), or null when unknown. NaN and infinities are listed but never plotted.</summary>
    public double? Metric { get; init; }

    /// <summary>Gets how long the trial ran, in milliseconds, or null when unknown.</summary>
    public double? DurationMilliseconds { get; init; }

    /// <summary>Gets when the trial started (UTC; a value of unspecified kind is taken as UTC).</summary>
    public DateTime StartedAtUtc { get; init; }

    /// <summary>Gets the hyperparameters, keyed by dotted path (<c>mlp.learning_rate</c>, <c>layers[0]</c>).</summary>
    /// <value>The default is empty. <see cref="FlattenParameters"/> builds it from a <see cref="SearchSpaces.Parameter"/>.</value>
    /// <exception cref="ArgumentNullException">Set to null, or a value in it is null.</exception>
    public IReadOnlyDictionary<string, ReportValue> Parameters
    {
        get => parameters;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var copy = new Dictionary<string, ReportValue>(value.Count, StringComparer.Ordinal);
            foreach (KeyValuePair<string, ReportValue> kv in value)
            {
                copy[kv.Key] = kv.Value ?? throw new ArgumentNullException(
                    nameof(value), $"Parameter \"{kv.Key}\" has a null value; a parameter needs a number or a string.");
            }

            parameters = new ReadOnlyDictionary<string, ReportValue>(copy);
        }
    }

    /// <summary>Gets the key paths of <see cref="Parameters"/> that select a branch of a conditional search space (<c>pipeline.trainer</c>).</summary>
    /// <value>
    /// The default is empty. <see cref="FromRecord"/> and <see cref="FromTrialResult"/> set it with
    /// <see cref="FindSelectors"/>. Reports list these columns before every other parameter, and a trial
    /// lacks the keys of the branches it did not choose (blank cells, no point on their plots).
    /// </value>
    /// <exception cref="ArgumentNullException">Set to null, or an element is null.</exception>
    public IReadOnlyList<string> Selectors
    {
        get => selectors;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            string[] copy = [.. value];
            if (Array.IndexOf(copy, null) is int index and >= 0)
            {
                throw new ArgumentNullException(nameof(value), $"Selectors[{index}] is null.");
            }

            selectors = Array.AsReadOnly(copy);
        }
    }

    /// <summary>Gets the trial's hyperparameters as the JSON of its <see cref="Parameter"/> (what the tuner proposed), or null when unknown.</summary>
    /// <value>
    /// The default is null. <see cref="FromRecord"/> and <see cref="FromTrialResult"/> set it. The surrogate section of a report
    /// maps it into the search space's unit cube (<see cref="ReportData.SearchSpace"/>); <see cref="Parameters"/> is what tables and
    /// other charts show.
    /// </value>
    public string? ParametersJson { get; init; }

    /// <summary>Gets the error message of a failed trial, or what stopped an interrupted one; otherwise null.</summary>
    /// <remarks>Shown to people only: <see cref="State"/> says what happened.</remarks>
    public string? Error { get; init; }

    /// <summary>Gets the validation curve, one value per epoch (may be empty).</summary>
    /// <value>The default is empty.</value>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public IReadOnlyList<double> ValidationCurve
    {
        get => validationCurve;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            validationCurve = Array.AsReadOnly([.. value]);
        }
    }

    /// <summary>Gets the trial's numeric attributes beside its loss (<c>test_loss</c>), sorted by key.</summary>
    /// <value>The default is empty. NaN and infinities are listed but never plotted. The dictionary is copied when set.</value>
    /// <exception cref="ArgumentException">Set with a key that is null, empty or white space.</exception>
    public IReadOnlyDictionary<string, double> Attributes
    {
        get;
        init => field = TrialAttributes.Copy(value, nameof(Attributes));
    } = TrialAttributes.Empty;

    /// <summary>Gets the hyperparameters that are arrays of numbers, whole, keyed by dotted path (<c>learning_rate</c>, <c>l2.w0</c>).</summary>
    /// <value>
    /// The default is empty. <see cref="FromRecord"/> and <see cref="FromTrialResult"/> fill it with
    /// <see cref="CollectArrays"/>. <see cref="Parameters"/> lists short arrays element by element and long
    /// ones by their mean only; the hypergradient section of a report draws these (a gradient-tuned study's
    /// per-step learning rates, per-layer L2 coefficients). The arrays are copied when set.
    /// </value>
    /// <exception cref="ArgumentNullException">Set to null, or an array in it is null.</exception>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Arrays
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var copy = new SortedDictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, IReadOnlyList<double>> kv in value)
            {
                IReadOnlyList<double> array = kv.Value ?? throw new ArgumentNullException(
                    nameof(value), $"Array \"{kv.Key}\" is null; an array hyperparameter needs its numbers.");
                copy[kv.Key] = Array.AsReadOnly([.. array]);
            }

            field = new ReadOnlyDictionary<string, IReadOnlyList<double>>(copy);
        }
    } = NoArrays;

    /// <summary>Builds a report trial from a trial as a study stores it.</summary>
    /// <param name="record">The stored trial.</param>
    /// <returns>
    /// The trial with its <see cref="TrialState"/>, scores, duration, start, flattened hyperparameters (and their selectors and JSON), error, its intermediate values
    /// (in step order) as the validation curve, and its <see cref="TrialRecord.Attributes"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public static ReportTrial FromRecord(TrialRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Parameter parameter = Parameter.FromJson(record.ParametersJson);
        return new ReportTrial
        {
            Number = record.Number,
            State = record.State,
            Loss = record.Loss,
            Metric = record.Metric,
            DurationMilliseconds = record.DurationMilliseconds,
            StartedAtUtc = record.StartedAtUtc,
            Parameters = FlattenParameters(parameter),
            Selectors = FindSelectors(parameter),
            Arrays = CollectArrays(parameter),
            ParametersJson = record.ParametersJson,
            Error = record.Error,
            ValidationCurve = [.. record.IntermediateValues.OrderBy(v => v.Step).Select(v => v.Value)],
            Attributes = record.Attributes,
        };
    }

    /// <summary>Builds a report trial from what a trial runner returned.</summary>
    /// <param name="result">The result; its <see cref="TrialResult.TrialSettings"/> give the number, start time and hyperparameters.</param>
    /// <returns>
    /// A trial in the result's <see cref="TrialResult.State"/>, with the exception's message when it failed
    /// or was interrupted, and the result's <see cref="TrialResult.Attributes"/>. A <see cref="LearningCurveTrialResult"/> contributes its validation metric curve.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    public static ReportTrial FromTrialResult(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        TrialSettings settings = result.TrialSettings;
        return new ReportTrial
        {
            Number = settings.TrialId,
            State = result.IsFailed && result.State == TrialState.Complete ? TrialState.Failed : result.State,
            Loss = result.Loss,
            Metric = result.Metric,
            DurationMilliseconds = result.DurationInMilliseconds,
            StartedAtUtc = settings.StartedAtUtc,
            Parameters = FlattenParameters(settings.Parameter),
            Selectors = FindSelectors(settings.Parameter),
            Arrays = CollectArrays(settings.Parameter),
            ParametersJson = settings.Parameter.ToString(),
            Error = result.Exception?.Message,
            ValidationCurve = result is LearningCurveTrialResult curves ? curves.ValidationMetricCurve : [],
            Attributes = result.Attributes,
        };
    }
}
