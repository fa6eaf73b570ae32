namespace MLNet.HyperGrad.Reporting;

/// <summary>The order in which reports list parameters: selectors of conditional spaces first, then every other key, each group in ordinal order.</summary>
internal static class ParameterColumns
{
    /// <summary>Every parameter key of the trials, selectors (<see cref="ReportTrial.Selectors"/>) first.</summary>
    public static string[] Order(IEnumerable<ReportTrial> trials)
    {
        ReportTrial[] rows = [.. trials];
        var selectors = new SortedSet<string>(rows.SelectMany(t => t.Selectors), StringComparer.Ordinal);
        IEnumerable<string> others = rows.SelectMany(t => t.Parameters.Keys).Distinct(StringComparer.Ordinal).Where(k => !selectors.Contains(k)).Order(StringComparer.Ordinal);
        return [.. selectors.Where(k => rows.Any(t => t.Parameters.ContainsKey(k))), .. others];
    }

    /// <summary>One trial's parameters, its selectors first.</summary>
    public static IEnumerable<KeyValuePair<string, ReportValue>> Of(ReportTrial trial)
        => trial.Parameters.OrderBy(kv => trial.Selectors.Contains(kv.Key) ? 0 : 1).ThenBy(kv => kv.Key, StringComparer.Ordinal);
}
