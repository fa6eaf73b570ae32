namespace MLNet.HyperGrad.Transfer;

/// <summary>Settings of <see cref="TransferHistory.ReadAsync"/>: which earlier studies are usable.</summary>
public sealed record TransferHistoryOptions
{
    /// <summary>Gets the fewest complete trials (with a finite loss, inside this run's space) a study needs to be used.</summary>
    /// <value>The default is 5; at least 2 (a task's marginal likelihood needs two points to say anything about a kernel).</value>
    public int MinCompleteTrials { get; init; } = 5;

    /// <summary>Gets the name of a study never to use, typically the one being tuned (a resumed study matches its own filter).</summary>
    /// <value>The default is null: none.</value>
    public string? ExcludeStudy { get; init; }

    /// <summary>
    /// Gets a value indicating whether a study whose options have other ranges (min, max, levels) is used, its trials mapped into
    /// this run's unit cube and those outside this run's ranges left out; otherwise only an identical search space qualifies.
    /// </summary>
    /// <value>
    /// The default is <see langword="true"/>: the CLI caps the trees' leaves at the training rows, so studies of other data
    /// sets differ in that range alone. Options that differ in presence, kind, scale, branches or conditions always reject a study.
    /// </value>
    public bool AllowRangeDifferences { get; init; } = true;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (MinCompleteTrials < 2)
        {
            throw new ArgumentException($"MinCompleteTrials must be at least 2, got {MinCompleteTrials}.", nameof(MinCompleteTrials));
        }

        if (ExcludeStudy is { Length: 0 })
        {
            throw new ArgumentException("ExcludeStudy must be null or a study name, got an empty text.", nameof(ExcludeStudy));
        }
    }
}
