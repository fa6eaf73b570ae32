using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// Reverse-mode hypergradients with exact reversal of SGD with momentum (Maclaurin, Duvenaud and
/// Adams 2015, "Gradient-based hyperparameter optimization through reversible learning").
/// </summary>
/// <remarks>
/// The forward pass trains on fixed-point weights and velocities (<see cref="FixedPointSgd"/>) and keeps
/// only the bits that multiplying by the momentum destroys, and a checksum of each step's rounded gradient. The reverse pass runs the training backwards,
/// recovering every earlier state bit for bit, while it accumulates the adjoints of the weights and
/// velocities with vector-Jacobian and Hessian-vector products: the hypergradient of the outer loss with
/// respect to every step's learning rate and momentum, the training loss's hyperparameters (L2) and the
/// initial weights' (init scales). Memory: the weights, a few vectors of their size and the buffer,
/// independent of T except for the buffer's ~log2(1/μ) bits per weight and step. The momentum actually
/// used is n/d, d = 2^<see cref="ReverseModeOptions.MomentumDenominatorBits"/>, and the gradients are
/// rounded to 2^−<see cref="ReverseModeOptions.FractionBits"/>; the reverse pass differentiates the
/// unrounded dynamics. With an inner problem that has an analytic reverse step (<see cref="MlpInnerProblem"/>: tanh or
/// ReLU), the gradients, Hessian-vector products and mixed terms come from it instead of autograd; a reverse step
/// whose recomputed gradient does not match the forward pass's checksum recomputes it with the forward pass's routine,
/// so the reversal stays exact.
/// </remarks>
public sealed class ExactReversalReverseMode : IHypergradientMethod
{
    /// <summary>Creates the method.</summary>
    /// <param name="options">The inner run; null for the defaults.</param>
    public ExactReversalReverseMode(ReverseModeOptions? options = null) => Options = options ?? new ReverseModeOptions();

    /// <summary>Gets the options.</summary>
    public ReverseModeOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "exact-reversal";

    /// <inheritdoc/>
    /// <exception cref="HyperGradException">The inner training left the fixed-point range (diverged).</exception>
    public HypergradientResult Compute(IInnerProblem problem, HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Options.Validate(hyperparameters);
        long start = Options.TimeProvider.GetTimestamp();
        int steps = Options.Steps;
        double[] learningRates = hyperparameters.Values(Options.LearningRateName);
        long denominator = 1L << Options.MomentumDenominatorBits;
        long[] numerators = [.. hyperparameters.Values(Options.MomentumName).Select(m => Math.Clamp((long)Math.Round(m * denominator), 1, denominator))];
        long[][] shapes = [.. problem.WeightShapes];

        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        double[] initial;
        using (torch.NewDisposeScope())
        {
            initial = FlatTensors.Flatten(problem.InitialWeights(h));
        }

        var sgd = new FixedPointSgd(initial, Options.FractionBits);
        long[] initialFixed = (long[])sgd.Weights.Clone();
        double[] weights = new double[initial.Length];
        ulong[] checksums = new ulong[steps];
        double[] momenta = [.. numerators.Select(n => n / (double)denominator)];
        using var sweep = new ReverseSweep(problem, hyperparameters, h, Options, learningRates, momenta);
        if (sweep.WeightTensors is IReadOnlyList<Tensor> weightTensors)
        {
            // The analytic path: the gradient is taken at tensors written in place (the ones the reverse pass reads) and
            // read where it lies, not copied through flat arrays.
            AnalyticForward(sgd, (IAnalyticReverseStep)problem, weightTensors, h, Options, numerators, denominator, learningRates, checksums);
        }
        else
        {
            double[] gradient = new double[initial.Length];
            for (int t = 0; t < steps; t++)
            {
                sgd.WeightValues(weights);
                ReverseSweep.TrainingGradient(problem, h, weights, shapes, t, gradient);
                checksums[t] = sgd.VelocityStep(gradient, numerators[Options.EntryOf(t, numerators.Length)], denominator);
                sgd.WeightStep(learningRates[Options.EntryOf(t, learningRates.Length)]);
            }
        }

        // The information buffer and one checksum of the rounded gradient per step.
        long bufferBytes = ((sgd.Buffer.TotalBits + 7) / 8) + (steps * sizeof(ulong));
        sgd.WeightValues(weights);
        sweep.Start(weights);
        double[] velocityAfter = new double[initial.Length];
        double[] velocityBefore = new double[initial.Length];
        for (int t = steps - 1; t >= 0; t--)
        {
            long numerator = numerators[Options.EntryOf(t, numerators.Length)];
            ulong checksum = checksums[t];
            if (sweep.UsesAnalyticSteps)
            {
                sweep.StepExact(t, sgd, numerator, denominator, checksum);
                continue;
            }

            sgd.VelocityValues(velocityAfter);
            sgd.UndoWeightStep(sweep.LearningRate(t));
            sgd.WeightValues(weights);
            sweep.Step(
                t,
                velocityAfter,
                weights,
                g =>
                {
                    sgd.UndoVelocityStep(g, numerator, denominator);
                    sgd.VelocityValues(velocityBefore);
                    return velocityBefore;
                },
                g => sgd.GradientChecksum(g) == checksum);
        }

        bool reversed = sgd.Weights.AsSpan().SequenceEqual(initialFixed) && sgd.Velocities.All(v => v == 0) && sgd.Buffer.IsEmpty;
        Dictionary<string, double[]> named = sweep.Finish();
        var cost = new HypergradientCost
        {
            Elapsed = Options.TimeProvider.GetElapsedTime(start),
            GradientEvaluations = steps + sweep.Gradients,
            HessianVectorProducts = sweep.Products,
            StoredBytes = bufferBytes,
            TrajectoryBytes = 2L * steps * initial.Length * sizeof(float),
        };
        return new HypergradientResult(sweep.OuterLoss, named, cost) { ExactlyReversed = reversed };
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }

    /// <summary>
    /// The forward run of the analytic path: each step writes the fixed-point weights into <paramref name="weightTensors"/> (the
    /// tensors the reverse pass reads), takes the analytic training gradient there, and makes the exact velocity and weight steps,
    /// recording each step's checksum in <paramref name="checksums"/>.
    /// </summary>
    internal static void AnalyticForward(
        FixedPointSgd sgd,
        IAnalyticReverseStep analytic,
        IReadOnlyList<Tensor> weightTensors,
        HyperparameterTensors h,
        ReverseModeOptions options,
        long[] numerators,
        long denominator,
        double[] learningRates,
        ulong[] checksums)
    {
        for (int t = 0; t < checksums.Length; t++)
        {
            for (int k = 0, offset = 0; k < weightTensors.Count; k++)
            {
                Span<double> part = FlatTensors.Memory(weightTensors[k]);
                sgd.WeightValues(offset, part);
                offset += part.Length;
            }

            using (torch.NewDisposeScope())
            {
                Tensor[] g = analytic.AnalyticTrainingGradient(weightTensors, h, t);
                FixedPointMultiplier multiplier = FixedPointSgd.Multiplier(numerators[options.EntryOf(t, numerators.Length)], denominator);
                ChecksumLanes checksum = FixedPointSgd.StartChecksum();
                for (int k = 0, offset = 0; k < g.Length; k++)
                {
                    ReadOnlySpan<double> part = FlatTensors.Memory(g[k].contiguous());
                    sgd.VelocityStep(part, offset, multiplier, ref checksum);
                    offset += part.Length;
                }

                checksums[t] = FixedPointSgd.ChecksumValue(ref checksum);
            }

            sgd.WeightStep(learningRates[options.EntryOf(t, learningRates.Length)]);
        }
    }
}
