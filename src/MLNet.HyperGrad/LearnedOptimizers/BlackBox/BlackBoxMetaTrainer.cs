using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>Meta-trains a <see cref="BlackBoxLstm"/> on functions drawn from a Gaussian-process prior, by truncated back-propagation through time.</summary>
/// <remarks>
/// <para>Chen et al. (2017), "Learning to learn without gradient descent by gradient descent", section 2. Each episode
/// draws a dimension d uniformly in [<see cref="BlackBoxMetaTrainingOptions.MinDimension"/>,
/// <see cref="BlackBoxMetaTrainingOptions.MaxDimension"/>], <see cref="BlackBoxMetaTrainingOptions.BatchSize"/> Matérn-5/2
/// functions on [0, 1]^d (<see cref="GpPriorFunctions"/>: random Fourier features, random length scales) and one uniform
/// first point per function, then lets the network propose <see cref="BlackBoxMetaTrainingOptions.Horizon"/> points.
/// The loss is the paper's observed improvement L_OI = Σ_t min(f(x_t) − min_{j&lt;t} f(x_j), 0), averaged over the
/// functions, on the values or (<see cref="BlackBoxMetaTrainingOptions.Loss"/> = <see cref="BlackBoxMetaLoss.LogRegret"/>)
/// on the log regret ln(max(f − f*, 0) + δ) with f* estimated per function before the episode; its gradient flows through f(x_t) into the proposals and through the LSTM states and the inputs
/// x_t and the best point back into earlier steps. The observed values enter the network as ranks (constants of the
/// graph). The horizon is cut into unrolls of <see cref="BlackBoxMetaTrainingOptions.UnrollLength"/>; Adam takes one
/// step per unroll, at the episode's rate (<see cref="BlackBoxMetaTrainingOptions.MetaLearningRateAt"/>: constant by
/// default, or a cosine decay); the states are carried, detached, into the next unroll.</para>
/// <para>Every unroll runs in a dispose scope; every gradient comes from <see cref="TorchAutograd"/>. The same seed and
/// thread count give the same weights.</para>
/// </remarks>
public sealed class BlackBoxMetaTrainer
{
    /// <summary>Uniform points per function of the minimum estimate of <see cref="BlackBoxMetaLoss.LogRegret"/>.</summary>
    internal const int MinimumCandidates = 1024;

    /// <summary>The best candidates refined by projected Adam.</summary>
    internal const int MinimumStarts = 8;

    /// <summary>The refinement's Adam steps.</summary>
    internal const int MinimumSteps = 60;

    private readonly BlackBoxMetaTrainingOptions options;

    /// <summary>Creates a meta-trainer.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public BlackBoxMetaTrainer(BlackBoxMetaTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
    }

    /// <summary>Meta-trains the network's weights in place.</summary>
    /// <param name="network">The network; its dtype is the training dtype.</param>
    /// <param name="progress">Told after every episode, on the calling thread.</param>
    /// <param name="cancellationToken">Checked before every unroll.</param>
    /// <returns>One report per episode.</returns>
    public IReadOnlyList<BlackBoxMetaTrainingEpisode> Train(BlackBoxLstm network, IProgress<BlackBoxMetaTrainingEpisode>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ScalarType dtype = network.Weights[0].dtype;
        using var generator = new torch.Generator(options.Seed);
        var dimensionRandom = new Random(unchecked((int)options.Seed));
        using var adam = new AdamState(network.Weights, new TrainingOptions { Optimizer = OptimizerKind.Adam, LearningRate = options.MetaLearningRate });
        var reports = new List<BlackBoxMetaTrainingEpisode>(options.Episodes);
        for (int episode = 1; episode <= options.Episodes; episode++)
        {
            long start = options.TimeProvider.GetTimestamp();
            double learningRate = options.MetaLearningRateAt(episode);
            int d = DrawDimension(options, dimensionRandom);
            using GpPriorFunctions functions = SampleEpisodeFunctions(options, d, generator, dtype);
            if (options.Loss == BlackBoxMetaLoss.LogRegret)
            {
                functions.EstimateMinimum(MinimumCandidates, MinimumStarts, MinimumSteps, options.RegretFloor, generator);
            }

            using BlackBoxRollout rollout = StartRollout(network, functions, generator);
            double improvementSum = 0;
            for (int done = 0; done < options.Horizon; done += options.UnrollLength)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int steps = Math.Min(options.UnrollLength, options.Horizon - done);
                using (torch.NewDisposeScope())
                {
                    Tensor loss = rollout.Run(network.Weights, functions, steps, generator).mean();
                    Tensor[] gradient = TorchAutograd.Grad([loss], network.Weights);
                    using (torch.no_grad())
                    {
                        Clip(gradient, options.MetaGradientClip);
                        adam.Step(network.Weights, gradient, learningRate);
                    }

                    improvementSum += loss.to(ScalarType.Float64).item<double>();
                    rollout.Detach();
                }
            }

            using Tensor best = rollout.BestY.mean().to(ScalarType.Float64);
            var report = new BlackBoxMetaTrainingEpisode(episode, d, improvementSum, best.item<double>(), options.TimeProvider.GetElapsedTime(start).TotalSeconds, learningRate);
            reports.Add(report);
            progress?.Report(report);
        }

        return reports;
    }

    /// <summary>
    /// An episode's functions: <see cref="BlackBoxMetaTrainingOptions.BatchSize"/> draws from the options' prior (length
    /// scales log-uniform in [<see cref="BlackBoxMetaTrainingOptions.LengthScaleMin"/>, <see cref="BlackBoxMetaTrainingOptions.LengthScaleMax"/>],
    /// <see cref="BlackBoxMetaTrainingOptions.FourierFeatures"/> features) in dimension <paramref name="d"/>.
    /// </summary>
    internal static GpPriorFunctions SampleEpisodeFunctions(BlackBoxMetaTrainingOptions options, int d, torch.Generator generator, ScalarType dtype)
        => GpPriorFunctions.Sample(options.BatchSize, d, options.LengthScaleMin, options.LengthScaleMax, options.FourierFeatures, generator, dtype);

    /// <summary>
    /// The best value the network finds on each function in <paramref name="trials"/> trials (a uniform first point,
    /// then the network's proposals), without gradients.
    /// </summary>
    internal static double[] BestFound(BlackBoxLstm network, GpPriorFunctions functions, int trials, torch.Generator generator)
    {
        using (torch.no_grad())
        {
            using BlackBoxRollout rollout = StartRollout(network, functions, generator);
            for (int done = 1; done < trials; done += 10)
            {
                using (torch.NewDisposeScope())
                {
                    rollout.Run(network.Weights, functions, Math.Min(10, trials - done), generator);
                    rollout.Detach();
                }
            }

            using Tensor best = rollout.BestY.to(ScalarType.Float64);
            return best.data<double>().ToArray();
        }
    }

    /// <summary>The best value of <paramref name="trials"/> uniform points on each function (random search).</summary>
    internal static double[] RandomSearchBest(GpPriorFunctions functions, int trials, torch.Generator generator)
    {
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            Tensor? best = null;
            for (int t = 0; t < trials; t++)
            {
                Tensor x = torch.rand([functions.Count, functions.Dimension], ScalarType.Float64, generator: generator).to(functions.Dtype);
                Tensor y = functions.Evaluate(x);
                best = best is null ? y : torch.minimum(best, y);
            }

            return best!.to(ScalarType.Float64).data<double>().ToArray();
        }
    }

    /// <summary>Draws uniform first points and starts the searches on them.</summary>
    internal static BlackBoxRollout StartRollout(BlackBoxLstm network, GpPriorFunctions functions, torch.Generator generator)
    {
        using (torch.NewDisposeScope())
        {
            Tensor x0 = torch.rand([functions.Count, functions.Dimension], ScalarType.Float64, generator: generator).to(functions.Dtype);
            Tensor y0 = functions.Objective(x0);
            return BlackBoxRollout.Start(network.Weights, network.HiddenSize, x0, y0, network.Design);
        }
    }

    /// <summary>A dimension: uniform in [min, max] (as before weights existed), or by <see cref="BlackBoxMetaTrainingOptions.DimensionWeights"/>.</summary>
    internal static int DrawDimension(BlackBoxMetaTrainingOptions options, Random random)
    {
        if (options.DimensionWeights is not { } weights)
        {
            return random.Next(options.MinDimension, options.MaxDimension + 1);
        }

        double u = random.NextDouble() * weights.Sum();
        for (int k = 0; k < weights.Count; k++)
        {
            u -= weights[k];
            if (u < 0)
            {
                return options.MinDimension + k;
            }
        }

        // Rounding: the last dimension with a positive weight.
        int last = weights.Count - 1;
        while (weights[last] <= 0)
        {
            last--;
        }

        return options.MinDimension + last;
    }

    private static void Clip(Tensor[] gradients, double maxNorm)
    {
        if (maxNorm <= 0)
        {
            return;
        }

        double squares = 0;
        foreach (Tensor g in gradients)
        {
            using Tensor s = g.Square().sum().to(ScalarType.Float64);
            squares += s.item<double>();
        }

        double norm = Math.Sqrt(squares);
        if (norm > maxNorm)
        {
            foreach (Tensor g in gradients)
            {
                g.TimesInPlace(maxNorm / norm);
            }
        }
    }
}
