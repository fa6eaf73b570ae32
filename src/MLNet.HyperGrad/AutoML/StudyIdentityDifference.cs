namespace MLNet.HyperGrad.AutoML;

/// <summary>One part of a study's identity that a run changed.</summary>
/// <param name="Name">The part, for example "task" or "data SHA-256".</param>
/// <param name="Study">The value the study records.</param>
/// <param name="Run">This run's value.</param>
public sealed record StudyIdentityDifference(string Name, string Study, string Run)
{
    /// <summary>Describes the change, for example <c>task was classification, this run's is regression</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{Name} was {Study}, this run's is {Run}";
}
