using System.Globalization;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Transfer;

/// <summary>Pre-trains a Gaussian-process prior (mean and kernel) on earlier tasks of the same search space (HyperBO).</summary>
/// <remarks>
/// <para>
/// Wang, Dahl, Swersky et al. (2024), "Pre-trained Gaussian processes for Bayesian optimization" (HyperBO): the prior's mean
/// (<see cref="PriorMeanKind"/>) and its Matérn-5/2 ARD kernel (optionally on learned features, optionally with a configuration-dependent scale
/// <see cref="GpPriorPretrainingOptions.InputDependentScale"/>), output scale and noise are fitted
/// by minimizing, with Adam on TorchSharp autograd in float64,
/// <c>(1/T) Σ_t NLL_t(B_t) / |B_t| + λ · KL(B_S) / |B_S|</c>:
/// the negative log marginal likelihood of each task <c>t</c> on a minibatch <c>B_t</c> of its own points (each task's losses
/// standardized by its own mean and standard deviation), averaged per point and over tasks; plus, when every task holds the
/// same points (identical inputs), <see cref="GpPriorPretrainingOptions.KlWeight"/> λ times HyperBO's empirical KL divergence
/// between the empirical mean and covariance of the tasks at a minibatch <c>B_S</c> of those shared points and the model's
/// (without its constant term). Tasks on different points ("unmatched" data) simply get no KL term.
/// </para>
/// <para>
/// With <see cref="GpPriorPretrainingOptions.MetaFeatureInput"/> the MLP mean of task t also reads its standardized meta-features
/// <c>z_t</c> (<c>m(x, z_t)</c>): each task's likelihood uses its own mean, the KL term's mean part becomes
/// <c>(1/T) Σ_t (y_t − m(S, z_t))ᵀK⁻¹(y_t − m(S, z_t))</c>, and the empirical-covariance fit reads task t's residuals from
/// <c>m(S, z_t)</c>.
/// </para>
/// <para>
/// Minibatches: each step draws <see cref="GpPriorPretrainingOptions.MinibatchSize"/> points of each task without replacement
/// (all of them when it has fewer) and as many shared points; tasks of equal batch size are evaluated as one batched Cholesky.
/// Deterministic for a seed. A step whose covariance will not factor even with jitter is skipped. Every step runs in its own
/// dispose scope; no tensor outlives the call.
/// </para>
/// </remarks>
public static class GpPriorPretraining
{
    /// <summary>The most points of a task its fit (<see cref="SourceTaskFit"/>) is measured on.</summary>
    internal const int FitPointLimit = 128;

    /// <summary>Fits a prior to earlier tasks.</summary>
    /// <param name="tasks">The source tasks, at least one, all of the same input dimension.</param>
    /// <param name="options">The settings; null uses the defaults.</param>
    /// <param name="cancellationToken">Stops the fit between steps (the prior so far is not returned; the token's exception is thrown).</param>
    /// <returns>The fitted prior, with each source task's fit.</returns>
    /// <exception cref="ArgumentException">No task, a null task, tasks of different dimensions, duplicate names, invalid options, or (with <see cref="GpPriorPretrainingOptions.MetaFeatureInput"/> true) a task without the meta-features of the others.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static PretrainedGpPrior Pretrain(IReadOnlyList<TransferTask> tasks, GpPriorPretrainingOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new GpPriorPretrainingOptions();
        options.Validate();
        var data = new PretrainingData(tasks, options, StandardizationFor(tasks, options));
        PriorModel model = data.Model(options);
        var random = new Random(options.Seed);
        double[] theta = model.Initial(random);
        double[] m = new double[theta.Length];
        double[] v = new double[theta.Length];
        var history = new List<double>(options.Steps);
        const double beta1 = 0.9;
        const double beta2 = 0.999;
        int skipped = 0;
        for (int step = 1; step <= options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Batch batch = data.Sample(random);
            double value;
            double[] gradient;
            try
            {
                (value, gradient) = data.ValueAndGradient(model, theta, batch);
            }
            catch (NotPositiveDefiniteException)
            {
                skipped++;
                continue;
            }

            if (!double.IsFinite(value) || gradient.Any(g => !double.IsFinite(g)))
            {
                skipped++;
                continue;
            }

            history.Add(value);
            double correction1 = 1 - Math.Pow(beta1, step);
            double correction2 = 1 - Math.Pow(beta2, step);
            for (int i = 0; i < theta.Length; i++)
            {
                m[i] = (beta1 * m[i]) + ((1 - beta1) * gradient[i]);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * gradient[i] * gradient[i]);
                theta[i] -= options.LearningRate * (m[i] / correction1) / (Math.Sqrt(v[i] / correction2) + 1e-8);
            }
        }

        SourceTaskFit[] fits = data.Fits(model, theta, FitPointLimit);
        var prior = new PretrainedGpPrior(model, theta, [.. data.Names], fits, data.SharedPointCount, history, skipped, portfolio: data.Portfolio(options.PortfolioSize), rawShared: data.RawShared(), metaFeatures: data.Standardization);
        return options.EmpiricalCovariance && data.AllSharedInputs.Length >= 2 && tasks.Count >= options.EmpiricalCovarianceMinimumTasks ? AddEmpiricalCovariance(prior, tasks, options) : prior;
    }

    /// <summary>
    /// Adds the empirical-covariance term (<see cref="GpPriorPretrainingOptions.EmpiricalCovariance"/>) to a pre-trained prior: the
    /// covariance becomes <c>s·k(x, x') + λ·φ(x)ᵀφ(x')</c>, <c>φ</c> the source tasks' residuals at their shared points interpolated by
    /// the prior's kernel, and <c>(λ, s)</c> are fitted by minimizing the summed negative log marginal likelihood of the source tasks
    /// at (up to 128 seeded) shared points, each task under the empirical covariance of the others (leave-one-out), by projected
    /// L-BFGS on autograd gradients; the prior's mean and kernel parameters stay fixed.
    /// </summary>
    /// <param name="prior">A prior pre-trained on <paramref name="tasks"/> (or on tasks of the same space), without the term.</param>
    /// <param name="tasks">The source tasks; at least 3, sharing at least 2 points.</param>
    /// <param name="options">The settings (seed of the point subset); null uses the defaults.</param>
    /// <returns>The prior with the term; when the fit fails (no finite objective), the term with λ = 0 and s = 1 (the same covariance as <paramref name="prior"/>).</returns>
    /// <exception cref="ArgumentException">Fewer than 3 tasks, fewer than 2 shared points, dimensions that differ, or a prior that already has the term.</exception>
    public static PretrainedGpPrior AddEmpiricalCovariance(PretrainedGpPrior prior, IReadOnlyList<TransferTask> tasks, GpPriorPretrainingOptions? options = null)
    {
        options ??= new GpPriorPretrainingOptions();
        PretrainingData data = DataFor(prior, tasks, options);

        if (prior.HasEmpiricalCovariance)
        {
            throw new ArgumentException("The prior already has an empirical-covariance term.", nameof(prior));
        }

        if (tasks.Count < 3 || data.AllSharedInputs.Length < 2)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The empirical-covariance term needs at least 3 tasks sharing at least 2 points; got {tasks.Count} tasks sharing {data.AllSharedInputs.Length} points."), nameof(tasks));
        }

        double[] theta = [.. prior.Parameters];
        bool exact = options.EmpiricalMoments ?? data.FullyMatched;
        EmpiricalCovarianceTerm unit = exact
            ? EmpiricalCovarianceTerm.BuildExact(prior.Model, theta, data.AllSharedInputs, data.AllSharedTargets, options.EmpiricalShrinkage, 1, 1, options.EmpiricalKernelOffSharedPointsOnly, options.EmpiricalMean, data.Contexts)
            : EmpiricalCovarianceTerm.Build(prior.Model, theta, data.AllSharedInputs, data.AllSharedTargets, 1, 1);
        int[] subset = SubsetOf(data.AllSharedInputs.Length, FitPointLimit, new Random(options.Seed));
        double[] lower = [Math.Log(1e-4), Math.Log(0.01)];
        double[] upper = [Math.Log(100), Math.Log(10)];
        double[] start = [0.0, 0.0];
        if (exact && options.EmpiricalKernelWeight is double fixedWeight)
        {
            // s held at the option's value; λ alone is fitted.
            lower[1] = upper[1] = start[1] = Math.Log(fixedWeight);
        }

        (double[] best, double value, _) = ProjectedLbfgs.Minimize(p => EmpiricalWeightObjective(prior.Model, theta, unit, data.AllSharedTargets, subset, p, data.Contexts), start, lower, upper, maxIterations: 50, gradientTolerance: 1e-6);
        (double weight, double kernelWeight) = double.IsFinite(value) ? (Math.Exp(best[0]), Math.Exp(best[1])) : (0.0, 1.0);
        return prior.WithEmpiricalCovariance(unit.WithWeights(weight, kernelWeight));
    }

    /// <summary>
    /// The objective of <see cref="AddEmpiricalCovariance"/> at <c>[ln λ, ln s]</c> and its autograd gradient: the mean over tasks of
    /// <c>NLL_t / b</c> at the <c>b</c> shared points <paramref name="subset"/>, task t under <c>s·K + λ·(ΦΦᵀ − φ_tφ_tᵀ) + σ²I</c>
    /// (its own column of the empirical term left out); +∞ and a zero gradient where a covariance does not factor. With the exact
    /// term (<see cref="GpPriorPretrainingOptions.EmpiricalMoments"/>) the empirical part is <c>(1 − α)(ΦΦᵀ − φ_tφ_tᵀ) + α v̄ I</c> and task t's
    /// residual is taken from the mean of the other tasks. With meta-features (<paramref name="contexts"/> [T][c], standardized), task t's
    /// residual in the smoothed mode is taken from its own mean <c>m(x, z_t)</c>.
    /// </summary>
    internal static (double Value, double[] Gradient) EmpiricalWeightObjective(PriorModel model, double[] theta, EmpiricalCovarianceTerm unit, double[][] values, int[] subset, double[] parameters, double[][]? contexts = null)
    {
        using var scope = torch.NewDisposeScope();
        int b = subset.Length;
        int t = values.Length;
        torch.Tensor kernel;
        torch.Tensor residual;
        torch.Tensor leftOut;
        torch.Tensor noise;
        using (torch.no_grad())
        {
            torch.Tensor th = torch.tensor(theta, torch.float64);
            torch.Tensor x = GaussianProcess.ToMatrix([.. subset.Select(i => unit.Points[i])], model.Dimension);
            kernel = unit.Exact is null ? model.Covariance(th, x, x) : unit.KernelCovariance(model, th, x, x);
            noise = model.NoiseVariance(th);
            torch.Tensor phi = unit.Features(model, th, x);
            leftOut = phi.matmul(phi.t()).unsqueeze(0) - (phi.t().unsqueeze(2) * phi.t().unsqueeze(1));
            torch.Tensor y = torch.tensor(values.SelectMany(v => subset.Select(i => v[i])).ToArray(), [t, b], torch.float64);
            if (unit.Exact is null)
            {
                residual = (contexts is null ? y - model.Mean(th, x) : y - model.Mean(th, x.unsqueeze(0), ContextTensor(contexts).unsqueeze(1))).unsqueeze(-1);
            }
            else
            {
                leftOut = leftOut.Times(1 - unit.Exact.Shrinkage).Plus(torch.eye(b, dtype: torch.float64).unsqueeze(0).Times(unit.Exact.Shrinkage * unit.MeanVariance));
                residual = (y - y.mean([0], keepdim: true)).Times(t / (t - 1.0)).unsqueeze(-1);
            }
        }

        torch.Tensor p = torch.tensor(parameters, torch.float64).requires_grad_(true);
        torch.Tensor k = (kernel * p[1].exp()).Plus(leftOut * p[0].exp()).Plus(torch.eye(b, dtype: torch.float64) * noise);
        torch.Tensor l;
        try
        {
            l = PriorModel.Factor(k);
        }
        catch (NotPositiveDefiniteException)
        {
            return (double.PositiveInfinity, new double[parameters.Length]);
        }

        torch.Tensor whitened = torch.linalg.solve_triangular(l, residual, upper: false);
        torch.Tensor nll = whitened.Square().sum([-2, -1]).Times(0.5).Plus(l.diagonal(dim1: -2, dim2: -1).log().sum(-1));
        torch.Tensor objective = nll.mean().Over(b);
        double value = objective.item<double>();
        if (!double.IsFinite(value))
        {
            return (double.PositiveInfinity, new double[parameters.Length]);
        }

        return (value, TorchAutograd.Grad(objective, p).data<double>().ToArray());
    }

    /// <summary>
    /// Replaces a prior's portfolio by the greedy portfolio of <paramref name="tasks"/> (<see cref="GpPriorPretrainingOptions.PortfolioSize"/>
    /// points, among the points every task holds) and its raw shared values (<see cref="PretrainedGpPrior.HasRawSharedValues"/>) by
    /// theirs, as <see cref="Pretrain"/> computes them; for priors stored before format 4.
    /// </summary>
    /// <param name="prior">A prior of the tasks' search space.</param>
    /// <param name="tasks">The source tasks, at least one.</param>
    /// <param name="options">The settings (<see cref="GpPriorPretrainingOptions.PortfolioSize"/>); null uses the defaults.</param>
    /// <returns>The prior with the portfolio (empty when the tasks share no points).</returns>
    /// <exception cref="ArgumentException">No task, tasks of different dimensions, a dimension other than the prior's, or invalid options.</exception>
    public static PretrainedGpPrior WithSourcePortfolio(PretrainedGpPrior prior, IReadOnlyList<TransferTask> tasks, GpPriorPretrainingOptions? options = null)
    {
        options ??= new GpPriorPretrainingOptions();
        PretrainingData data = DataFor(prior, tasks, options);

        return prior.WithPortfolio(data.Portfolio(options.PortfolioSize)).WithRawShared(data.RawShared());
    }

    /// <summary>The shared points and standardized values of tasks, for tests.</summary>
    internal static (double[][] Points, double[][] Values) SharedData(IReadOnlyList<TransferTask> tasks, GpPriorPretrainingOptions options)
    {
        var data = new PretrainingData(tasks, options, null);
        return (data.AllSharedInputs, data.AllSharedTargets);
    }

    /// <summary><paramref name="size"/> sorted indices of <paramref name="count"/> drawn without replacement (all when fewer).</summary>
    private static int[] SubsetOf(int count, int size, Random random)
    {
        if (count <= size)
        {
            return [.. Enumerable.Range(0, count)];
        }

        int[] order = [.. Enumerable.Range(0, count)];
        for (int i = 0; i < size; i++)
        {
            int j = i + random.Next(count - i);
            (order[i], order[j]) = (order[j], order[i]);
        }

        int[] chosen = order[..size];
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>The full-batch objective and its autograd gradient at θ (every point of every task, every shared point): for tests.</summary>
    internal static (double Value, double[] Gradient) FullObjective(IReadOnlyList<TransferTask> tasks, GpPriorPretrainingOptions options, double[] theta)
    {
        var data = new PretrainingData(tasks, options, StandardizationFor(tasks, options));
        return data.ValueAndGradient(data.Model(options), theta, data.Full());
    }

    /// <summary>The model a set of tasks and options give, for tests that build θ.</summary>
    internal static PriorModel ModelFor(IReadOnlyList<TransferTask> tasks, GpPriorPretrainingOptions options)
        => new(tasks[0].Dimension, options.MeanKind, options.HiddenWidth, options.KernelOnFeatures, options.InputDependentScale, StandardizationFor(tasks, options)?.Names.Length ?? 0);

    /// <summary>The meta-feature standardization <see cref="GpPriorPretrainingOptions.MetaFeatureInput"/> gives on <paramref name="tasks"/> (automatic: only with an MLP mean), or null.</summary>
    internal static MetaFeatureStandardization? StandardizationFor(IReadOnlyList<TransferTask> tasks, GpPriorPretrainingOptions options)
        => options.MetaFeatureInput is null && options.MeanKind != PriorMeanKind.Mlp ? null : MetaFeatureStandardization.ForPretraining(tasks ?? [], options.MetaFeatureInput);

    /// <summary>Standardized meta-features [T][c] as a tensor [T, c].</summary>
    internal static torch.Tensor ContextTensor(double[][] contexts) => torch.tensor(contexts.SelectMany(z => z).ToArray(), [contexts.Length, contexts[0].Length], torch.float64);

    /// <summary>One step's selection: point indices per task, and indices into the shared points.</summary>
    internal sealed record Batch(int[][] TaskPoints, int[] SharedPoints);

    /// <summary>The tasks standardized, their shared points, and the objective over a batch.</summary>
    private sealed class PretrainingData
    {
        private readonly double[][][] inputs;
        private readonly double[][] targets;
        private readonly double[][] sharedInputs;
        private readonly double[][] sharedTargets;
        private readonly double[][] rawSharedTargets;
        private readonly int minibatch;
        private readonly double klWeight;
        private readonly double[][]? contexts;

        public PretrainingData(IReadOnlyList<TransferTask> tasks, GpPriorPretrainingOptions options, MetaFeatureStandardization? standardization)
        {
            ArgumentNullException.ThrowIfNull(tasks);
            if (tasks.Count == 0)
            {
                throw new ArgumentException("Pre-training needs at least one source task; got none.", nameof(tasks));
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            for (int t = 0; t < tasks.Count; t++)
            {
                TransferTask task = tasks[t] ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Task {t} is null."), nameof(tasks));
                if (task.Dimension != tasks[0].Dimension)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Task {t} ('{task.Name}') has dimension {task.Dimension}; expected {tasks[0].Dimension} (the dimension of task 0, '{tasks[0].Name}'): every task must encode the same search space."), nameof(tasks));
                }

                if (!names.Add(task.Name))
                {
                    throw new ArgumentException($"Two source tasks are named '{task.Name}'; names must be unique.", nameof(tasks));
                }
            }

            Dimension = tasks[0].Dimension;
            Names = [.. tasks.Select(t => t.Name)];
            minibatch = options.MinibatchSize;
            klWeight = options.KlWeight;
            inputs = [.. tasks.Select(t => t.Inputs.ToArray())];
            targets = [.. tasks.Select(t => Standardize(t.Losses))];
            (sharedInputs, sharedTargets) = SharedPoints(inputs, targets);
            rawSharedTargets = SharedPoints(inputs, [.. tasks.Select(t => t.Losses.ToArray())]).Targets;
            Standardization = standardization;
            contexts = standardization is null ? null : [.. tasks.Select(t => standardization.Standardize(t.MetaFeatures, Invariant($"Source task '{t.Name}'")))];
        }

        public int Dimension { get; }

        /// <summary>Gets the meta-feature standardization the mean reads, or null.</summary>
        public MetaFeatureStandardization? Standardization { get; }

        /// <summary>Gets each task's standardized meta-features [T][c], or null without <see cref="Standardization"/>.</summary>
        public double[][]? Contexts => contexts;

        /// <summary>The model of these tasks under <paramref name="options"/>.</summary>
        public PriorModel Model(GpPriorPretrainingOptions options) => new(Dimension, options.MeanKind, options.HiddenWidth, options.KernelOnFeatures, options.InputDependentScale, Standardization?.Names.Length ?? 0);

        public string[] Names { get; }

        public int SharedPointCount => klWeight > 0 ? sharedInputs.Length : 0;

        /// <summary>Gets the points every task holds, whatever the KL weight.</summary>
        public double[][] AllSharedInputs => sharedInputs;

        /// <summary>The greedy portfolio of up to <paramref name="size"/> shared points (<see cref="GreedyPortfolio"/> on the tasks' values there).</summary>
        public double[][] Portfolio(int size) => sharedInputs.Length == 0 ? [] : [.. GreedyPortfolio.Select(sharedTargets, size).Select(i => (double[])sharedInputs[i].Clone())];

        /// <summary>The tasks' raw losses at the shared points when every task holds exactly them (at least 3 tasks, 2 points), else null.</summary>
        public SharedSourceValues? RawShared() => FullyMatched && inputs.Length >= 3 ? new SharedSourceValues(sharedInputs, rawSharedTargets) : null;

        /// <summary>Gets a value indicating whether every task holds exactly the shared points (at least 2), no other.</summary>
        public bool FullyMatched => sharedInputs.Length >= 2 && inputs.All(rows => rows.Length == sharedInputs.Length);

        /// <summary>Gets each task's standardized values at <see cref="AllSharedInputs"/> [T][m].</summary>
        public double[][] AllSharedTargets => sharedTargets;

        public Batch Sample(Random random)
        {
            int[][] points = new int[inputs.Length][];
            for (int t = 0; t < inputs.Length; t++)
            {
                points[t] = SubsetOf(inputs[t].Length, minibatch, random);
            }

            int[] shared = SharedPointCount >= 2 ? SubsetOf(sharedInputs.Length, minibatch, random) : [];
            return new Batch(points, shared);
        }

        public Batch Full() => new([.. inputs.Select(x => Enumerable.Range(0, x.Length).ToArray())], SharedPointCount >= 2 ? [.. Enumerable.Range(0, sharedInputs.Length)] : []);

        public (double Value, double[] Gradient) ValueAndGradient(PriorModel model, double[] thetaValues, Batch batch)
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor theta = torch.tensor(thetaValues, torch.float64).requires_grad_(true);
            torch.Tensor objective = Objective(model, theta, batch);
            double value = objective.item<double>();
            torch.Tensor gradient = TorchAutograd.Grad(objective, theta);
            return (value, gradient.data<double>().ToArray());
        }

        public SourceTaskFit[] Fits(PriorModel model, double[] thetaValues, int limit)
        {
            var fits = new SourceTaskFit[inputs.Length];
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            torch.Tensor theta = torch.tensor(thetaValues, torch.float64);
            for (int t = 0; t < inputs.Length; t++)
            {
                int n = Math.Min(limit, inputs[t].Length);
                int[] all = [.. Enumerable.Range(0, n)];
                double nll;
                try
                {
                    using torch.Tensor value = model.NegativeLogLikelihood(theta, Gather(inputs[t], all).unsqueeze(0), Gather(targets[t], all).unsqueeze(0), ContextsOf([t]));
                    nll = value.item<double>() / n;
                }
                catch (NotPositiveDefiniteException)
                {
                    nll = double.NaN;
                }

                fits[t] = new SourceTaskFit(Names[t], n, nll);
            }

            return fits;
        }

        private torch.Tensor Objective(PriorModel model, torch.Tensor theta, Batch batch)
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor total = torch.zeros([], torch.float64);
            foreach (IGrouping<int, int> group in Enumerable.Range(0, inputs.Length).GroupBy(t => batch.TaskPoints[t].Length))
            {
                int b = group.Key;
                int[] members = [.. group];
                double[] x = new double[members.Length * b * Dimension];
                double[] y = new double[members.Length * b];
                for (int g = 0; g < members.Length; g++)
                {
                    int t = members[g];
                    int[] points = batch.TaskPoints[t];
                    for (int i = 0; i < b; i++)
                    {
                        Array.Copy(inputs[t][points[i]], 0, x, ((g * b) + i) * Dimension, Dimension);
                        y[(g * b) + i] = targets[t][points[i]];
                    }
                }

                torch.Tensor nll = model.NegativeLogLikelihood(theta, torch.tensor(x, [members.Length, b, Dimension], torch.float64), torch.tensor(y, [members.Length, b], torch.float64), ContextsOf(members));
                total = total.Plus(nll.sum().Over(b));
            }

            total = total.Over(inputs.Length);
            if (batch.SharedPoints.Length >= 2 && klWeight > 0)
            {
                int[] s = batch.SharedPoints;
                double[] ys = new double[sharedTargets.Length * s.Length];
                for (int t = 0; t < sharedTargets.Length; t++)
                {
                    for (int i = 0; i < s.Length; i++)
                    {
                        ys[(t * s.Length) + i] = sharedTargets[t][s[i]];
                    }
                }

                torch.Tensor kl = model.EmpiricalKl(theta, Gather(sharedInputs, s), torch.tensor(ys, [sharedTargets.Length, s.Length], torch.float64), ContextsOf([.. Enumerable.Range(0, inputs.Length)]));
                total = total.Plus(kl.Times(klWeight).Over(s.Length));
            }

            return total.MoveToOuterDisposeScope();
        }

        /// <summary>The standardized meta-features of tasks <paramref name="members"/> as [g, c], or null without meta-features.</summary>
        private torch.Tensor? ContextsOf(int[] members)
        {
            if (contexts is null)
            {
                return null;
            }

            var rows = new double[members.Length][];
            for (int g = 0; g < members.Length; g++)
            {
                rows[g] = contexts[members[g]];
            }

            return ContextTensor(rows);
        }

        private torch.Tensor Gather(double[][] rows, int[] indices)
        {
            double[] flat = new double[indices.Length * Dimension];
            for (int i = 0; i < indices.Length; i++)
            {
                Array.Copy(rows[indices[i]], 0, flat, i * Dimension, Dimension);
            }

            return torch.tensor(flat, [indices.Length, Dimension], torch.float64);
        }

        private static torch.Tensor Gather(double[] values, int[] indices) => torch.tensor(indices.Select(i => values[i]).ToArray(), torch.float64);

        private static double[] Standardize(IReadOnlyList<double> losses)
        {
            double mean = losses.Average();
            double variance = losses.Sum(l => (l - mean) * (l - mean)) / losses.Count;
            double std = variance > 1e-24 ? Math.Sqrt(variance) : 1.0;
            return [.. losses.Select(l => (l - mean) / std)];
        }

        /// <summary>The points every task holds (in task 0's order) and each task's standardized value there; none with fewer than 2 tasks.</summary>
        private static (double[][] Inputs, double[][] Targets) SharedPoints(double[][][] inputs, double[][] targets)
        {
            if (inputs.Length < 2)
            {
                return ([], []);
            }

            var lookups = inputs.Select(rows =>
            {
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int i = 0; i < rows.Length; i++)
                {
                    index.TryAdd(Key(rows[i]), i);
                }

                return index;
            }).ToArray();
            var shared = new List<double[]>();
            var positions = new List<int[]>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (double[] row in inputs[0])
            {
                string key = Key(row);
                if (!seen.Add(key))
                {
                    continue;
                }

                int[] where = new int[inputs.Length];
                bool everywhere = true;
                for (int t = 0; t < inputs.Length && everywhere; t++)
                {
                    everywhere = lookups[t].TryGetValue(key, out where[t]);
                }

                if (everywhere)
                {
                    shared.Add(row);
                    positions.Add(where);
                }
            }

            double[][] values = new double[inputs.Length][];
            for (int t = 0; t < inputs.Length; t++)
            {
                values[t] = [.. positions.Select(p => targets[t][p[t]])];
            }

            return ([.. shared], values);
        }

        private static string Key(double[] row) => string.Join(",", row.Select(v => BitConverter.DoubleToInt64Bits(v).ToString("X", CultureInfo.InvariantCulture)));
    }

    /// <summary>The tasks' pre-training data, checked against <paramref name="prior"/>'s dimension, with validated <paramref name="options"/>.</summary>
    private static PretrainingData DataFor(PretrainedGpPrior prior, IReadOnlyList<TransferTask> tasks, GpPriorPretrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(prior);
        options.Validate();
        var data = new PretrainingData(tasks, options, prior.MetaFeatureStandardization);
        if (data.Dimension != prior.Dimension)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The tasks have dimension {data.Dimension}; the prior has {prior.Dimension}."), nameof(tasks));
        }

        return data;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
