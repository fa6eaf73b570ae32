namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A condition under which a slot of a conditional search space is active: its selector slot holds one branch.</summary>
/// <param name="SelectorIndex">The index of the selector's slot in the feature vector.</param>
/// <param name="SelectorKeyPath">The selector's key path (<c>pipeline.trainer</c>).</param>
/// <param name="Level">The branch's level in the selector slot: the branch is chosen when the slot lies in [<c>Level / n</c>, <c>(Level + 1) / n</c>) for <c>n</c> branches (the last bin includes 1).</param>
/// <param name="Branch">The branch's name (<c>lightgbm</c>).</param>
public sealed record FeatureCondition(int SelectorIndex, string SelectorKeyPath, int Level, string Branch)
{
    /// <summary>Describes the condition: <c>pipeline.trainer = lightgbm</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{SelectorKeyPath} = {Branch}";
}
