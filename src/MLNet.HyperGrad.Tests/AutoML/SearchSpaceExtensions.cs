using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.AutoML;

internal static class SearchSpaceExtensions
{
    /// <summary>The space as the experiment sees it: nested under a key.</summary>
    public static SearchSpace Wrap(this SearchSpace space, string key) => new() { [key] = space };
}
