using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;

namespace MLNet.HyperGrad.Tests.Torch;

public sealed class AutogradTests
{
    private static readonly int[] Sizes = [5, 4, 3];

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Softplus)]
    [InlineData(Activation.Relu)]
    public void Grad_MlpCrossEntropy_MatchesCentralDifferences(Activation activation)
    {
        using var scope = DisposeScope.Begin();
        var (mlp, x, y, flat) = Problem(activation);
        double Loss(double[] theta)
        {
            using var inner = DisposeScope.Begin();
            return Functional.CrossEntropy(mlp.Forward(Unflatten(mlp, theta), x), y).ToDouble();
        }

        Tensor[] weights = Unflatten(mlp, flat, requiresGrad: true);
        Tensor loss = Functional.CrossEntropy(mlp.Forward(weights, x), y);
        double[] analytic = Flatten(Autograd.Grad([loss], weights));
        FiniteDifferences.AssertClose(FiniteDifferences.Gradient(Loss, flat), analytic, 1e-6);
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Softplus)]
    public void HessianVectorProduct_MlpLoss_MatchesDifferenceOfGradients(Activation activation)
    {
        using var scope = DisposeScope.Begin();
        var (mlp, x, y, flat) = Problem(activation);
        using var generator = new Generator(7);
        double[] direction = Tensor.Randn([flat.Length], generator, ScalarType.Float64).ToArray<double>();

        double[] GradientAt(double[] theta)
        {
            using var inner = DisposeScope.Begin();
            Tensor[] w = Unflatten(mlp, theta, requiresGrad: true);
            return Flatten(Autograd.Grad([Functional.CrossEntropy(mlp.Forward(w, x), y)], w));
        }

        Tensor[] weights = Unflatten(mlp, flat, requiresGrad: true);
        Tensor loss = Functional.CrossEntropy(mlp.Forward(weights, x), y);
        Tensor[] gradients = Autograd.Grad([loss], weights, createGraph: true);
        Tensor[] v = Unflatten(mlp, direction);
        Tensor dot = Tensor.Zeros([], ScalarType.Float64);
        for (int i = 0; i < gradients.Length; i++)
        {
            dot = dot + (gradients[i] * v[i]).Sum();
        }

        double[] hv = Flatten(Autograd.Grad([dot], weights));
        FiniteDifferences.AssertClose(FiniteDifferences.Directional(GradientAt, flat, direction), hv, 1e-5);
    }

    [Fact]
    public void Grad_ThroughSgdStepsWithRespectToLearningRateAndDecay_MatchesCentralDifferences()
    {
        using var scope = DisposeScope.Begin();
        var (mlp, x, y, flat) = Problem(Activation.Tanh);

        double ValidationLossAfterTraining(double[] h)
        {
            using var inner = DisposeScope.Begin();
            Tensor lr = Tensor.ScalarTensor(h[0], ScalarType.Float64).RequiresGrad_();
            Tensor decay = Tensor.ScalarTensor(h[1], ScalarType.Float64).RequiresGrad_();
            return Train(mlp, flat, x, y, lr, decay).Loss.ToDouble();
        }

        double[] hyper = [0.3, 0.01];
        Tensor learningRate = Tensor.ScalarTensor(hyper[0], ScalarType.Float64).RequiresGrad_();
        Tensor weightDecay = Tensor.ScalarTensor(hyper[1], ScalarType.Float64).RequiresGrad_();
        Tensor validationLoss = Train(mlp, flat, x, y, learningRate, weightDecay).Loss;
        double[] hypergradient = Flatten(Autograd.Grad([validationLoss], [learningRate, weightDecay]));
        FiniteDifferences.AssertClose(FiniteDifferences.Gradient(ValidationLossAfterTraining, hyper), hypergradient, 1e-6);
    }

    [Fact]
    public void Grad_UnusedInputWithAllowUnused_ReturnsZeros()
    {
        using var scope = DisposeScope.Begin();
        Tensor a = Tensor.Ones([3], ScalarType.Float64).RequiresGrad_();
        Tensor b = Tensor.Ones([2], ScalarType.Float64).RequiresGrad_();
        Tensor[] g = Autograd.Grad([(a * 3.0).Sum()], [a, b], allowUnused: true);
        Assert.Equal(new[] { 3.0, 3, 3 }, g[0].ToArray<double>());
        Assert.Equal(new[] { 0.0, 0 }, g[1].ToArray<double>());
        Assert.Throws<TorchException>(() => Autograd.Grad([(a * 3.0).Sum()], [a, b]));
    }

    [Fact]
    public void Grad_SecondCallWithoutRetainGraph_ThrowsTorchExceptionNotCrash()
    {
        using var scope = DisposeScope.Begin();
        Tensor a = Tensor.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        Tensor y = a.Exp().Sum();
        Autograd.Grad([y], [a]);
        var ex = Assert.Throws<TorchException>(() => Autograd.Grad([y], [a]));
        Assert.Contains("second time", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backward_AccumulatesIntoGrad()
    {
        using var scope = DisposeScope.Begin();
        Tensor a = Tensor.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        Assert.Null(a.Grad);
        (a * a).Sum().Backward();
        (a * a).Sum().Backward();
        Assert.Equal(new[] { 4.0, 8 }, a.Grad!.ToArray<double>());
    }

    [Fact]
    public void NoGrad_OperationsInside_AreNotRecorded()
    {
        using var scope = DisposeScope.Begin();
        Tensor a = Tensor.Ones([2], ScalarType.Float64).RequiresGrad_();
        Tensor inside;
        using (Autograd.NoGrad())
        {
            Assert.False(Autograd.IsGradEnabled);
            inside = a * 2.0;
        }

        Assert.True(Autograd.IsGradEnabled);
        Assert.False(inside.RequiresGrad);
        Assert.True((a * 2.0).RequiresGrad);
    }

    private static (Mlp Mlp, Tensor X, Tensor Y, double[] Flat) Problem(Activation activation)
    {
        var mlp = new Mlp(Sizes, activation);
        using var generator = new Generator(11);
        Tensor x = Tensor.Randn([6, 5], generator, ScalarType.Float64);
        Tensor y = Tensor.FromArray(new long[] { 0, 1, 2, 2, 1, 0 });
        using ParameterSet init = mlp.CreateParameters(generator, ScalarType.Float64);
        double[] flat = init.ToArrays().SelectMany(a => a).ToArray();
        return (mlp, x, y, flat);
    }

    private static (Tensor Loss, Tensor[] Weights) Train(Mlp mlp, double[] flat, Tensor x, Tensor y, Tensor learningRate, Tensor weightDecay)
    {
        Tensor[] w = Unflatten(mlp, flat, requiresGrad: true);
        Tensor[] v = w.Select(t => Tensor.Zeros(t.Shape, ScalarType.Float64)).ToArray();
        Tensor momentum = Tensor.ScalarTensor(0.9, ScalarType.Float64);
        Tensor[] decay = w.Select(_ => weightDecay).ToArray();
        Tensor trainX = x.Narrow(0, 0, 4);
        Tensor trainY = y.Narrow(0, 0, 4);
        for (int step = 0; step < 5; step++)
        {
            Tensor loss = Functional.CrossEntropy(mlp.Forward(w, trainX), trainY);
            Tensor[] g = Autograd.Grad([loss], w, createGraph: true);
            (w, v) = SgdMomentum.Step(w, v, g, learningRate, momentum, decay);
        }

        return (Functional.CrossEntropy(mlp.Forward(w, x.Narrow(0, 4, 2)), y.Narrow(0, 4, 2)), w);
    }

    internal static Tensor[] Unflatten(Mlp mlp, double[] flat, bool requiresGrad = false)
    {
        var tensors = new List<Tensor>();
        int offset = 0;
        for (int i = 0; i < mlp.LayerCount; i++)
        {
            int fanIn = mlp.LayerSizes[i];
            int fanOut = mlp.LayerSizes[i + 1];
            tensors.Add(Tensor.FromArray(flat[offset..(offset + (fanIn * fanOut))], fanOut, fanIn).RequiresGrad_(requiresGrad));
            offset += fanIn * fanOut;
            tensors.Add(Tensor.FromArray(flat[offset..(offset + fanOut)], fanOut).RequiresGrad_(requiresGrad));
            offset += fanOut;
        }

        return [.. tensors];
    }

    internal static double[] Flatten(IEnumerable<Tensor> tensors) =>
        tensors.SelectMany(t => t.Detach().ToArray<double>()).ToArray();
}
