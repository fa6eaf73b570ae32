using System.Globalization;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>Maximizes an acquisition over the unit cube: scrambled Sobol candidates, then batched gradient refinement of the best.</summary>
/// <remarks>
/// <para>
/// As BoTorch's <c>optimize_acqf</c> (raw samples, then restarts) and Optuna's <c>optimize_acqf_mixed</c>:
/// <see cref="AcquisitionOptimizerOptions.CandidateCount"/> scrambled Sobol points (plus any extra starts the
/// caller gives, such as the best observed points) are made canonical, scored without gradients, and the
/// <see cref="AcquisitionOptimizerOptions.RefinedCount"/> best distinct ones are refined together: the batch is one
/// variable of shape [k, d], the objective is minus the sum of their acquisition values (each depends on its own
/// row only), its gradient comes from autograd (<see cref="TorchAutograd"/>), and a projected L-BFGS keeps every
/// coordinate in [0, 1]. Given the model's length scales, the refinement runs in <c>z = x / ℓ</c> (bounds
/// [0, 1/ℓ]), Optuna's preconditioning: the acquisition is then equally curved in every direction. Coordinates the caller marks not refinable (integer, categorical and inactive slots) stay
/// fixed. The refined points are made canonical again and scored; the best point seen wins.
/// </para>
/// <para>Deterministic for a seed. Every tensor lives in a dispose scope of the call.</para>
/// </remarks>
public sealed class AcquisitionOptimizer
{
    private readonly AcquisitionOptimizerOptions options;

    /// <summary>Creates an optimizer.</summary>
    /// <param name="options">The settings; null uses the defaults.</param>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public AcquisitionOptimizer(AcquisitionOptimizerOptions? options = null)
    {
        this.options = options ?? new AcquisitionOptimizerOptions();
        this.options.Validate();
    }

    /// <summary>Finds the candidate with the largest acquisition value.</summary>
    /// <param name="acquisition">The acquisition of candidates: [m, d] float64 in the unit cube → [m], differentiable.</param>
    /// <param name="dimension">The dimension d ≥ 1.</param>
    /// <param name="seed">The seed of the Sobol scramble.</param>
    /// <param name="extraStarts">More candidates (each of d values in [0, 1]), such as the best observed points; null for none.</param>
    /// <param name="canonicalize">Maps a point to the point that is actually evaluated (integers and choices rounded, inactive slots fixed); null when every point is its own.</param>
    /// <param name="refinable">Which coordinates of a canonical point gradient refinement may move; null when all may.</param>
    /// <param name="scales">Length scales that precondition the refinement (one per dimension, positive); null for none.</param>
    /// <param name="pointAcquisition">The same acquisition at one point with its gradient, in plain doubles (for example
    /// <see cref="GaussianProcess.PosteriorWithGradient"/> and <see cref="IAcquisitionFunction.EvaluateWithGradient"/>);
    /// when given, refinement uses it instead of autograd through <paramref name="acquisition"/>, which is what makes it
    /// fast; null to refine through tensors.</param>
    /// <returns>The best canonical point and its acquisition value.</returns>
    /// <exception cref="ArgumentException"><paramref name="dimension"/> is below 1, or an extra start has the wrong length or lies outside the cube.</exception>
    public (double[] Point, double Value) Maximize(
        Func<torch.Tensor, torch.Tensor> acquisition,
        int dimension,
        int seed,
        IReadOnlyList<double[]>? extraStarts = null,
        Func<double[], double[]>? canonicalize = null,
        Func<double[], bool[]>? refinable = null,
        IReadOnlyList<double>? scales = null,
        Func<double[], (double Value, double[] Gradient)>? pointAcquisition = null)
    {
        ArgumentNullException.ThrowIfNull(acquisition);
        if (dimension < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The dimension must be at least 1, got {dimension}."), nameof(dimension));
        }

        if (scales is not null && (scales.Count != dimension || scales.Any(v => !(v > 0) || !double.IsFinite(v))))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected {dimension} positive finite scales; got {scales.Count}."), nameof(scales));
        }

        var candidates = new List<double[]>(new SobolSequence(dimension, seed).Points(0, options.CandidateCount));
        if (extraStarts is not null)
        {
            for (int i = 0; i < extraStarts.Count; i++)
            {
                double[] start = extraStarts[i];
                if (start is null || start.Length != dimension || start.Any(v => !(v >= 0 && v <= 1)))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Extra start {i} must have {dimension} values in [0, 1]."), nameof(extraStarts));
                }

                candidates.Add((double[])start.Clone());
            }
        }

        if (canonicalize is not null)
        {
            for (int i = 0; i < candidates.Count; i++)
            {
                candidates[i] = canonicalize(candidates[i]);
            }
        }

        double[] scores = Score(acquisition, candidates, dimension);
        int[] order = [.. Enumerable.Range(0, scores.Length).OrderByDescending(i => double.IsNaN(scores[i]) ? double.NegativeInfinity : scores[i]).ThenBy(i => i)];
        double[] best = candidates[order[0]];
        double bestValue = scores[order[0]];

        var starts = new List<double[]>();
        foreach (int i in order)
        {
            if (starts.Count >= options.RefinedCount)
            {
                break;
            }

            if (double.IsFinite(scores[i]) && !starts.Any(s => s.AsSpan().SequenceEqual(candidates[i])))
            {
                starts.Add(candidates[i]);
            }
        }

        if (starts.Count == 0)
        {
            return (best, bestValue);
        }

        double[][] refined = Refine(acquisition, pointAcquisition, starts, dimension, refinable, scales);
        if (canonicalize is not null)
        {
            refined = [.. refined.Select(canonicalize)];
        }

        double[] refinedScores = Score(acquisition, refined, dimension);
        for (int i = 0; i < refined.Length; i++)
        {
            if (refinedScores[i] > bestValue)
            {
                best = refined[i];
                bestValue = refinedScores[i];
            }
        }

        return (best, bestValue);
    }

    private static double[] Score(Func<torch.Tensor, torch.Tensor> acquisition, IReadOnlyList<double[]> points, int dimension)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        torch.Tensor values = acquisition(GaussianProcess.ToMatrix(points, dimension));
        if (values.dim() != 1 || values.shape[0] != points.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The acquisition returned shape [{string.Join(", ", values.shape)}] for {points.Count} candidates; expected [{points.Count}]."), nameof(acquisition));
        }

        return values.to(torch.float64).data<double>().ToArray();
    }

    private double[][] Refine(Func<torch.Tensor, torch.Tensor> acquisition, Func<double[], (double Value, double[] Gradient)>? pointAcquisition, List<double[]> starts, int dimension, Func<double[], bool[]>? refinable, IReadOnlyList<double>? scales)
    {
        int k = starts.Count;
        double[] x0 = new double[k * dimension];
        double[] lower = new double[k * dimension];
        double[] upper = new double[k * dimension];
        double[] scale = new double[k * dimension];
        for (int i = 0; i < k; i++)
        {
            bool[]? movable = refinable?.Invoke(starts[i]);
            for (int j = 0; j < dimension; j++)
            {
                int at = (i * dimension) + j;
                scale[at] = scales?[j] ?? 1.0;
                x0[at] = starts[i][j] / scale[at];
                bool free = movable is null || movable[j];
                lower[at] = free ? 0.0 : x0[at];
                upper[at] = free ? 1.0 / scale[at] : x0[at];
            }
        }

        (double Value, double[] Gradient) PointObjective(double[] z)
        {
            double total = 0;
            double[] gradient = new double[z.Length];
            double[] x = new double[dimension];
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < dimension; j++)
                {
                    int at = (i * dimension) + j;
                    x[j] = Math.Clamp(z[at] * scale[at], 0.0, 1.0);
                }

                (double value, double[] g) = pointAcquisition!(x);
                if (!double.IsFinite(value))
                {
                    return (double.PositiveInfinity, new double[z.Length]);
                }

                total -= value;
                for (int j = 0; j < dimension; j++)
                {
                    int at = (i * dimension) + j;
                    gradient[at] = -g[j] * scale[at];
                }
            }

            return (total, gradient);
        }

        (double Value, double[] Gradient) Objective(double[] z)
        {
            using var scope = torch.NewDisposeScope();
            double[] flat = new double[z.Length];
            for (int i = 0; i < z.Length; i++)
            {
                flat[i] = Math.Clamp(z[i] * scale[i], 0.0, 1.0);
            }

            torch.Tensor x = torch.tensor(flat, [k, dimension], torch.float64).requires_grad_(true);
            torch.Tensor total = -acquisition(x).sum();
            double value = total.item<double>();
            if (!double.IsFinite(value))
            {
                return (double.PositiveInfinity, new double[flat.Length]);
            }

            double[] gradient = TorchAutograd.Grad(total, x).data<double>().ToArray();
            for (int i = 0; i < gradient.Length; i++)
            {
                gradient[i] *= scale[i];
            }

            return (value, gradient);
        }

        (double[] result, _, _) = ProjectedLbfgs.Minimize(pointAcquisition is null ? Objective : PointObjective, x0, lower, upper, options.MaxIterations, gradientTolerance: options.GradientTolerance);
        double[][] points = new double[k][];
        for (int i = 0; i < k; i++)
        {
            points[i] = new double[dimension];
            for (int j = 0; j < dimension; j++)
            {
                int at = (i * dimension) + j;
                points[i][j] = Math.Clamp(result[at] * scale[at], 0.0, 1.0);
            }
        }

        return points;
    }
}
