namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>One way a search space differs from a study's stored one (<see cref="SearchSpaceDescription.Compare"/>).</summary>
/// <param name="KeyPath">The option's key path (<c>mlp.epochs</c>), or <c>*</c> when the stored text is not a description.</param>
/// <param name="Property">What differs: <c>presence</c> (the option is in only one of the two), <c>kind</c>, <c>log</c>, <c>min</c>, <c>max</c>, <c>levels</c>, <c>branches</c> (a conditional space's selector), <c>when</c> (a branch slot's condition) or <c>description</c>.</param>
/// <param name="Study">The study's value as text (<c>5</c>, <c>Integer</c>, <c>present</c>), or null when it has none.</param>
/// <param name="Run">This run's value as text, or null when it has none.</param>
public sealed record SearchSpaceDifference(string KeyPath, string Property, string? Study, string? Run)
{
    /// <summary>Describes the difference for people: <c>mlp.epochs: max 5 in the study, 20 in this run</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Property switch
    {
        "presence" => Study is null ? $"{KeyPath}: in this run, not in the study" : $"{KeyPath}: in the study, not in this run",
        _ => $"{KeyPath}: {Property} {Study ?? "none"} in the study, {Run ?? "none"} in this run",
    };
}
