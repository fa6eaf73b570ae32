using MLNet.HyperGrad.Data.Idx;

namespace MLNet.HyperGrad.Tests.Data.Idx;

/// <summary>Loads the real Fashion-MNIST once for all tests of a class (about 200 MB of floats).</summary>
public sealed class FashionMnistFixture
{
    public FashionMnistFixture()
    {
        Data = FashionMnist.Load();
    }

    public FashionMnistData Data { get; }
}
