using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using TorchSharp;

namespace MLNet.HyperGrad.Bench;

/// <summary>What the parts of <c>hypergrad-core</c> share: the fixed Fashion-MNIST split, plain training, formatting.</summary>
internal static class HypergradBench
{
    /// <summary>
    /// A plain SGD-with-momentum run of an inner problem: the forward pass the reverse-mode methods differentiate (same update,
    /// <c>ReverseSweep.ForwardStep</c>), with gradients that build no second-order graph. With the problem's analytic gradient
    /// (<see cref="IAnalyticReverseStep"/>) the weights live in float64 tensors written in place and the gradient is read
    /// where it lies, as exact reversal's forward loop does (no copies per step); otherwise as <see cref="TrainFlat"/>.
    /// Both give the same bits.
    /// </summary>
    /// <returns>The final weights, flat.</returns>
    public static double[] Train(IInnerProblem problem, HyperparameterSet hyperparameters, ReverseModeOptions options)
    {
        long[][] shapes = [.. problem.WeightShapes];
        double[] learningRates = hyperparameters.Values(options.LearningRateName);
        double[] momenta = hyperparameters.Values(options.MomentumName);
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        if (problem is not IAnalyticReverseStep analytic || !analytic.CoversAnalytically(h))
        {
            return TrainFlat(problem, hyperparameters, options);
        }

        double[] w;
        using (torch.NewDisposeScope())
        {
            w = FlatTensors.Flatten(problem.InitialWeights(h));
        }

        TorchSharp.torch.Tensor[] weights = FlatTensors.Buffers(shapes);
        try
        {
            FlatTensors.CopyInto(w, weights);
            double[] v = new double[w.Length];
            for (int t = 0; t < options.Steps; t++)
            {
                double lr = learningRates[options.EntryOf(t, learningRates.Length)];
                double mu = momenta[options.EntryOf(t, momenta.Length)];
                using (torch.NewDisposeScope())
                {
                    TorchSharp.torch.Tensor[] g = analytic.AnalyticTrainingGradient(weights, h, t);
                    for (int k = 0, offset = 0; k < g.Length; k++)
                    {
                        Span<double> part = FlatTensors.Memory(weights[k]);
                        ReverseSweep.ForwardStep(part, v.AsSpan(offset, part.Length), FlatTensors.Memory(g[k].contiguous()), lr, mu);
                        offset += part.Length;
                    }
                }
            }

            FlatTensors.FlattenInto(weights, w);
            return w;
        }
        finally
        {
            foreach (TorchSharp.torch.Tensor t in weights)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>The plain run as it was before H41: flat arrays, the weights copied into new tensors and the gradient copied out at every step (the profile times both).</summary>
    /// <returns>The final weights, flat.</returns>
    public static double[] TrainFlat(IInnerProblem problem, HyperparameterSet hyperparameters, ReverseModeOptions options)
    {
        long[][] shapes = [.. problem.WeightShapes];
        double[] learningRates = hyperparameters.Values(options.LearningRateName);
        double[] momenta = hyperparameters.Values(options.MomentumName);
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        double[] w;
        using (torch.NewDisposeScope())
        {
            w = FlatTensors.Flatten(problem.InitialWeights(h));
        }

        double[] v = new double[w.Length];
        double[] g = new double[w.Length];
        for (int t = 0; t < options.Steps; t++)
        {
            ReverseSweep.TrainingGradient(problem, h, w, shapes, t, g);
            ReverseSweep.ForwardStep(w, v, g, learningRates[options.EntryOf(t, learningRates.Length)], momenta[options.EntryOf(t, momenta.Length)]);
        }

        return w;
    }

    /// <summary>The outer loss of a problem at flat weights (another problem with a test set as its "validation" set gives the test loss).</summary>
    public static double Outer(IInnerProblem problem, HyperparameterSet hyperparameters, IReadOnlyList<double> weights)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return problem.OuterLoss(FlatTensors.Unflatten([.. weights], problem.WeightShapes), hyperparameters.CreateTensors()).item<double>();
    }

    /// <summary>max_i |a_i − e_i| / max_i |e_i|: the error relative to the largest entry, as the unit tests measure it.</summary>
    public static double MaxRelativeError(double[] expected, double[] actual)
    {
        double scale = Math.Max(1e-300, expected.Max(Math.Abs));
        return expected.Zip(actual, (e, a) => Math.Abs(e - a) / scale).Max();
    }

    /// <summary>The share of entries whose signs agree (zeros agree only with zeros).</summary>
    public static double SignAgreement(double[] expected, double[] actual) =>
        expected.Zip(actual, (e, a) => Math.Sign(e) == Math.Sign(a) ? 1.0 : 0.0).Average();

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static HyperparameterSet Schedule(int steps, double learningRate, double momentum, double l2, double initScale, int layers) => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, steps), learningRate)
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, steps), momentum)
        .Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, layers), l2)
        .Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, layers), initScale);

    /// <summary>The fixed split of issue 9: Fashion-MNIST training images 0 … 9,999 train, 10,000 … 19,999 validate, the official test set tests (fewer rows with --quick).</summary>
    internal sealed record Split(TabularDataset Train, TabularDataset Validation, TabularDataset Test);
}
