namespace MLNet.HyperGrad.Storage;

/// <summary>What <see cref="IStudyStorage.TryCreateTrialAsync"/> did: created a trial, or found its parameters taken.</summary>
/// <param name="Trial">The new running trial, or <see langword="null"/> when a trial of the study already had the parameters.</param>
/// <param name="DuplicateOf">The number of the earliest trial that already had the parameters, or <see langword="null"/> when <paramref name="Trial"/> was created.</param>
/// <param name="NextNumber">The number the study's next new trial will get (one past its highest number).</param>
public sealed record TrialCreation(TrialRecord? Trial, int? DuplicateOf, int NextNumber)
{
    /// <summary>Gets a value indicating whether a trial was created.</summary>
    public bool IsCreated => Trial is not null;
}
