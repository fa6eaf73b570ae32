using System.Globalization;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>
/// Hyperparameter optimization through a <see cref="BestResponseHypernetwork"/>: train the hypernetwork on the training loss with
/// sampled λ, and descend on λ along the validation loss of the hypernetwork's weights.
/// </summary>
/// <remarks>
/// <para>Lorraine and Duvenaud (2018, "Stochastic hyperparameter optimization through hypernetworks"). <b>Global</b> (their
/// Algorithm 1): <see cref="HypernetworkSearchOptions.TrainingSteps"/> Adam steps on φ, each on the mean of
/// L_train(h_φ(λ_m), λ_m) over <see cref="HypernetworkSearchOptions.SamplesPerStep"/> draws λ_m uniform on the box of the ranges
/// (each on its own training batch), then <see cref="HypernetworkSearchOptions.HyperparameterSteps"/> Adam steps on λ along
/// dL_val(h_φ(λ), λ)/dλ, clamped to the box, φ fixed. <b>Local</b> (their Algorithm 2, joint optimization): a warm-up of
/// <see cref="HypernetworkSearchOptions.TrainingSteps"/> φ steps with λ_m = λ₀ + σ ε (ε standard normal, clamped), then
/// <see cref="HypernetworkSearchOptions.HyperparameterSteps"/> rounds of <see cref="HypernetworkSearchOptions.LocalHypernetworkSteps"/>
/// φ steps around the current λ and one λ step. φ's learning rate follows one cosine decay over all φ steps of the run.</para>
/// <para>The result's λ is the last step's; its curve is the predicted validation loss along each element of λ (the others at the
/// chosen λ), which shows where the hypernetwork believes the optimum is. Deterministic for a seed (draws from
/// <see cref="HypernetworkSearchOptions.Seed"/>, batches from the inner problem's step order). Every step runs in its own dispose scope.</para>
/// </remarks>
public static class HypernetworkSearch
{
    /// <summary>Trains the hypernetwork and moves λ, as <paramref name="options"/> says.</summary>
    /// <param name="network">The hypernetwork; trained in place (its φ changes).</param>
    /// <param name="start">λ₀, unconstrained, d values; clamped to the ranges.</param>
    /// <param name="options">Settings; defaults if null.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <returns>The chosen hyperparameters, the trajectory and the predicted curve.</returns>
    /// <exception cref="ArgumentException">The options are invalid, or λ₀ has the wrong length.</exception>
    /// <exception cref="HyperGradException">A training or validation loss became non-finite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static HypernetworkSearchResult Run(BestResponseHypernetwork network, IReadOnlyList<double> start, HypernetworkSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(start);
        options ??= new HypernetworkSearchOptions();
        options.Validate();
        double[] lambda = [.. start];
        _ = network.At(lambda);
        network.Clamp(lambda);
        var random = new Random(options.Seed);
        bool local = options.Mode == HypernetworkMode.Local;
        int totalPhiSteps = options.TrainingSteps + (local ? options.HyperparameterSteps * options.LocalHypernetworkSteps : 0);
        using var phi = new PhiAdam(network.Weights, options.LearningRate, options.FinalLearningRateFraction, totalPhiSteps);
        var recent = new Queue<double>();
        int inner = 0;

        void Train(int steps, Func<double[]> draw)
        {
            for (int s = 0; s < steps; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                Tensor loss = torch.zeros([], ScalarType.Float64);
                for (int m = 0; m < options.SamplesPerStep; m++)
                {
                    loss = loss.Plus(network.TrainingLoss(draw(), inner++));
                }

                loss = loss.Over(options.SamplesPerStep);
                double value = loss.item<double>();
                if (!double.IsFinite(value))
                {
                    throw new HyperGradException(string.Create(CultureInfo.InvariantCulture, $"The hypernetwork's training loss is not finite ({value}) at its step {phi.Steps + 1}; lower LearningRate (now {options.LearningRate})."));
                }

                Tensor[] gradients = TorchAutograd.Grad([loss], network.Weights);
                using (torch.no_grad())
                {
                    phi.Step(network.Weights, gradients);
                }

                recent.Enqueue(value);
                if (recent.Count > 100)
                {
                    recent.Dequeue();
                }
            }
        }

        double[] Near()
        {
            double[] draw = new double[lambda.Length];
            for (int i = 0; i < draw.Length; i++)
            {
                draw[i] = lambda[i] + (options.LocalScale * Normal(random));
            }

            network.Clamp(draw);
            return draw;
        }

        Train(options.TrainingSteps, local ? Near : () => network.SampleUniform(random));
        var trajectory = new List<HypernetworkStep>();
        var lambdaAdam = new LambdaAdam(lambda.Length, options.HyperparameterLearningRate);
        for (int k = 0; ; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (double validation, double[] gradient) = network.ValidationLoss(lambda);
            trajectory.Add(new HypernetworkStep(k, phi.Steps, [.. lambda], validation, recent.Count == 0 ? double.NaN : recent.Average()));
            if (k == options.HyperparameterSteps)
            {
                break;
            }

            lambdaAdam.Step(lambda, gradient);
            network.Clamp(lambda);
            if (local)
            {
                Train(options.LocalHypernetworkSteps, Near);
            }
        }

        var curve = new List<HypernetworkCurvePoint>();
        int element = 0;
        foreach (HyperparameterRange range in network.Inputs)
        {
            int count = network.At(lambda).Definition(range.Name).ElementCount;
            for (int e = 0; e < count; e++, element++)
            {
                for (int p = 0; p < options.CurvePoints; p++)
                {
                    double[] point = [.. lambda];
                    point[element] = range.Min + ((range.Max - range.Min) * p / (options.CurvePoints - 1));
                    curve.Add(new HypernetworkCurvePoint(element, point, network.ValidationLoss(point, withGradient: false).Loss));
                }
            }
        }

        return new HypernetworkSearchResult
        {
            Hyperparameters = network.At(lambda),
            Lambda = lambda,
            PredictedValidationLoss = trajectory[^1].PredictedValidationLoss,
            Trajectory = trajectory,
            Curve = curve,
            HypernetworkSteps = phi.Steps,
        };
    }

    private static double Normal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Adam on φ with a cosine-decayed learning rate.</summary>
    private sealed class PhiAdam(ParameterSet weights, double learningRate, double finalFraction, int totalSteps) : IDisposable
    {
        private const double Beta1 = 0.9;
        private const double Beta2 = 0.999;
        private const double Epsilon = 1e-8;
        private readonly ParameterSet first = weights.ZerosLike();
        private readonly ParameterSet second = weights.ZerosLike();

        public int Steps { get; private set; }

        public void Step(ParameterSet target, Tensor[] gradients)
        {
            double progress = totalSteps <= 1 ? 0 : Math.Min(1.0, (double)Steps / (totalSteps - 1));
            double rate = learningRate * (finalFraction + ((1 - finalFraction) * 0.5 * (1 + Math.Cos(Math.PI * progress))));
            Steps++;
            double correction1 = 1 - Math.Pow(Beta1, Steps);
            double correction2 = 1 - Math.Pow(Beta2, Steps);
            for (int i = 0; i < target.Count; i++)
            {
                using var scope = torch.NewDisposeScope();
                first[i].TimesInPlace(Beta1).PlusScaledInPlace(gradients[i], 1 - Beta1);
                Tensor decayed = second[i].TimesInPlace(Beta2);
                HeldScalars.With(1 - Beta2, value => decayed.addcmul_(gradients[i], gradients[i], value));
                Tensor denominator = second[i].Over(correction2).sqrt_().PlusInPlace(Epsilon);
                HeldScalars.With(-rate / correction1, value => target[i].addcdiv_(first[i], denominator, value));
            }
        }

        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }

    /// <summary>Adam on λ, in plain arrays.</summary>
    private sealed class LambdaAdam(int length, double learningRate)
    {
        private readonly double[] first = new double[length];
        private readonly double[] second = new double[length];
        private int steps;

        public void Step(double[] lambda, double[] gradient)
        {
            steps++;
            double correction1 = 1 - Math.Pow(0.9, steps);
            double correction2 = 1 - Math.Pow(0.999, steps);
            for (int i = 0; i < lambda.Length; i++)
            {
                first[i] = (0.9 * first[i]) + (0.1 * gradient[i]);
                second[i] = (0.999 * second[i]) + (0.001 * gradient[i] * gradient[i]);
                lambda[i] -= learningRate * (first[i] / correction1) / (Math.Sqrt(second[i] / correction2) + 1e-8);
            }
        }
    }
}
