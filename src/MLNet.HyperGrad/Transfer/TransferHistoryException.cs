namespace MLNet.HyperGrad.Transfer;

/// <summary>No earlier study can form a transfer prior: none matches the filter, or every one that does was rejected.</summary>
/// <remarks>The message names the filter, every study looked at and why each was rejected.</remarks>
public sealed class TransferHistoryException : HyperGradException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What must hold and what was found.</param>
    /// <param name="filter">The filter's description.</param>
    /// <param name="rejected">The studies the filter selected and why each was rejected; empty when none matched.</param>
    public TransferHistoryException(string message, string filter, IReadOnlyList<RejectedStudy> rejected)
        : base(message)
    {
        Filter = filter;
        Rejected = rejected;
    }

    /// <summary>Gets what the filter selects.</summary>
    public string Filter { get; }

    /// <summary>Gets the studies the filter selected, each with why it was rejected.</summary>
    public IReadOnlyList<RejectedStudy> Rejected { get; }
}
