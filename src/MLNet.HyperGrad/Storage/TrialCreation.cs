namespace MLNet.HyperGrad.Storage;

/// <summary>What <see cref="IStudyStorage.TryCreateTrialAsync"/> did: created a trial, found its parameters taken, or found the study's trial budget exhausted.</summary>
/// <param name="Trial">The new running trial, or <see langword="null"/> when none was created.</param>
/// <param name="DuplicateOf">The number of the earliest trial that already had the parameters, or <see langword="null"/> when <paramref name="Trial"/> was created or the budget was exhausted.</param>
/// <param name="NextNumber">The number the study's next new trial will get (one past its highest number).</param>
/// <param name="IsBudgetExhausted">Whether nothing was created because the study already held its <c>maxTrials</c> counted trials.</param>
public sealed record TrialCreation(TrialRecord? Trial, int? DuplicateOf, int NextNumber, bool IsBudgetExhausted = false)
{
    /// <summary>Gets a value indicating whether a trial was created.</summary>
    public bool IsCreated => Trial is not null;
}
