namespace MLNet.HyperGrad.Reporting;

/// <summary>How one hyperparameter is drawn: its key, whether it is numeric or categorical, and on which scale.</summary>
internal sealed class ParameterAxis
{
    private ParameterAxis(string key, bool isNumeric, bool logRequested, bool isLog, IReadOnlyList<string> categories)
    {
        Key = key;
        IsNumeric = isNumeric;
        LogRequested = logRequested;
        IsLog = isLog;
        Categories = categories;
    }

    /// <summary>Gets the dotted key path.</summary>
    public string Key { get; }

    /// <summary>Gets a value indicating whether every value is a number (otherwise numbers are shown as categories).</summary>
    public bool IsNumeric { get; }

    /// <summary>Gets a value indicating whether the report asked for a log axis.</summary>
    public bool LogRequested { get; }

    /// <summary>Gets a value indicating whether the axis is log10 (asked for, and every value positive).</summary>
    public bool IsLog { get; }

    /// <summary>Gets the categories in ordinal order (empty for a numeric parameter).</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>Builds the axis of <paramref name="key"/> from the trials that have it.</summary>
    public static ParameterAxis Create(string key, IEnumerable<ReportTrial> trials, bool logRequested)
    {
        var values = new List<ReportValue>();
        foreach (ReportTrial trial in trials)
        {
            if (trial.Parameters.TryGetValue(key, out ReportValue? value))
            {
                values.Add(value);
            }
        }

        bool numeric = values.TrueForAll(v => v.IsNumber);
        if (numeric)
        {
            bool positive = values.TrueForAll(v => !double.IsFinite(v.Number!.Value) || v.Number.Value > 0);
            return new ParameterAxis(key, true, logRequested, logRequested && positive, []);
        }

        string[] categories = [.. values.Select(Formatting.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return new ParameterAxis(key, false, logRequested, false, categories);
    }

    /// <summary>Builds the scale that shows this parameter's values.</summary>
    public Scale CreateScale(IEnumerable<ReportTrial> trials)
    {
        if (!IsNumeric)
        {
            return new CategoricalScale(Categories);
        }

        IEnumerable<double> numbers = trials
            .Select(t => t.Parameters.TryGetValue(Key, out ReportValue? v) ? v.Number : null)
            .OfType<double>();
        return IsLog ? new LogScale(numbers) : new LinearScale(numbers);
    }

    /// <summary>Gets the position of a trial's value on <paramref name="scale"/>, or null when the trial lacks it or it cannot be drawn.</summary>
    public double? Position(ReportTrial trial, Scale scale)
    {
        if (!trial.Parameters.TryGetValue(Key, out ReportValue? value))
        {
            return null;
        }

        if (scale is CategoricalScale categorical)
        {
            int index = categorical.IndexOf(Formatting.Value(value));
            return index < 0 ? null : index;
        }

        return value.Number is double number && scale.CanShow(number) ? number : null;
    }
}
