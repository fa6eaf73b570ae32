namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>Asserts an <see cref="ArgumentException"/> that names its argument and quotes the values involved.</summary>
internal static class ArgumentAssert
{
    public static ArgumentException Throws(Action action, string parameter, params string[] fragments)
    {
        ArgumentException ex = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(parameter, ex.ParamName);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        }

        return ex;
    }
}
