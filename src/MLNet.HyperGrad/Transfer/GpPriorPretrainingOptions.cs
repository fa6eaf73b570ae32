using System.Globalization;

namespace MLNet.HyperGrad.Transfer;

/// <summary>Settings of <see cref="GpPriorPretraining"/>: the prior's form (mean, kernel) and the Adam run that fits it.</summary>
public sealed class GpPriorPretrainingOptions
{
    /// <summary>Gets the parametric prior mean.</summary>
    /// <value>The default is <see cref="PriorMeanKind.Mlp"/>.</value>
    public PriorMeanKind MeanKind { get; init; } = PriorMeanKind.Mlp;

    /// <summary>Gets the width of the hidden layer of the MLP mean and of the kernel's feature map.</summary>
    /// <value>The default is 32.</value>
    public int HiddenWidth { get; init; } = 32;

    /// <summary>Gets a value indicating whether the Matérn-5/2 ARD kernel acts on learned features <c>tanh(Ux + e)</c> (width <see cref="HiddenWidth"/>) instead of on the encoded inputs.</summary>
    /// <value>The default is false (the kernel acts on the inputs, one length scale per dimension).</value>
    public bool KernelOnFeatures { get; init; }

    /// <summary>
    /// Gets a value indicating whether the covariance has a learned configuration-dependent scale:
    /// <c>k(x, x') = σ² g(x) g(x') · Matérn(x, x')</c>, <c>g(x) = 0.01 + softplus(uᵀ tanh(Sx + f) + c)</c> (hidden width
    /// <see cref="HiddenWidth"/>), so that the prior variance is small where all earlier tasks agree and large where they differ.
    /// </summary>
    /// <value>The default is false (a stationary Matérn-5/2 covariance, one output scale σ²).</value>
    public bool InputDependentScale { get; init; }

    /// <summary>
    /// Gets a value indicating whether, when at least <see cref="EmpiricalCovarianceMinimumTasks"/> tasks share at least 2 points, the prior's covariance gets the empirical
    /// covariance of the tasks at those points, interpolated by the pre-trained kernel:
    /// <c>s·k(x, x') + λ·φ(x)ᵀφ(x')</c>, with <c>(λ, s)</c> fitted by the summed (leave-one-out) negative log marginal likelihood
    /// after the Adam run (<see cref="GpPriorPretraining.AddEmpiricalCovariance"/>). Tasks without shared points get no term.
    /// </summary>
    /// <value>
    /// The default is true: on the 50 SVM tasks it lowered the meta tuner's regret at 3 and 10 evaluations (bench/RESULTS.md,
    /// "Transfer (issue 11): a prior with configuration-specific covariance"); histories without shared points (unmatched data,
    /// most user histories) simply get no term. False gives the stationary prior alone.
    /// </value>
    public bool EmpiricalCovariance { get; init; } = true;

    /// <summary>
    /// Gets the fewest source tasks for which <see cref="GpPriorPretraining.Pretrain"/> adds the empirical-covariance term
    /// (<see cref="EmpiricalCovariance"/>): the covariance of T tasks has rank at most T − 1, so a handful of tasks gives a
    /// few directions taken for the whole covariance.
    /// </summary>
    /// <value>
    /// The default is 10 (not tuned: no benchmark here falls between 4 and 49 tasks). With the term on, the three studies of
    /// bench `transfer-real` (about 10 shared Sobol points) reached the single-task GP's 30-trial result in 2 of 8 target/seed
    /// pairs against 5 of 8 without it (bench/RESULTS.md, H35); the 49 source tasks of the SVM benchmark gain from it. At least 3.
    /// </value>
    public int EmpiricalCovarianceMinimumTasks { get; init; } = 10;

    /// <summary>
    /// Gets how many configurations the greedy portfolio of the source tasks holds (<see cref="PretrainedGpPrior.Portfolio"/>): among
    /// the points every source task holds, pick j minimizes the sum over the tasks of the normalized regret of the best of picks
    /// 1..j (each task's losses normalized to [0, 1] over those points); Wistuba, Schilling and Schmidt-Thieme (2015), "Learning
    /// hyperparameter optimization initializations". The tuner proposes its first points only when asked
    /// (<see cref="MetaGaussianProcessTunerOptions.PortfolioTrials"/>). Tasks that share no points (or fewer than 2 tasks) give
    /// an empty portfolio.
    /// </summary>
    /// <value>The default is 10 (it costs a pass over the shared values per pick; the prior's JSON stores it). 0 stores none.</value>
    public int PortfolioSize { get; init; } = 10;

    /// <summary>
    /// Gets a value indicating whether the empirical-covariance term (<see cref="EmpiricalCovariance"/>) is exact at the shared points
    /// (HyperBO's estimate on matched data): there the prior mean is the source tasks' empirical mean and the term's covariance
    /// their empirical covariance (divisor T − 1, shrunk by <see cref="EmpiricalShrinkage"/>), each task's losses standardized over its
    /// own points; the pre-trained kernel enters with the factor s (<see cref="EmpiricalKernelWeight"/>), and λ is fitted as for the
    /// smoothed term. Off the shared points the mean correction and the term are interpolated by the pre-trained kernel
    /// (<c>k(x, S)(K_SS + σ²I)⁻¹</c>), so whole-space tuning still works; a candidate that is a shared point reads the empirical
    /// moments exactly. False gives the kernel-smoothed term (<c>φ(x) = k(x, S)(K_SS + σ²I)⁻¹Rᵀ/√(T − 1)</c> everywhere, the
    /// pre-trained mean unchanged). Null chooses: exact when the source tasks are fully matched (every task holds exactly the shared
    /// points: candidate-set histories such as the SVM benchmark's), smoothed otherwise (histories that share only some points, such as
    /// studies started from the same Sobol points). Ignored where the term is not added.
    /// </summary>
    /// <value>
    /// The default is false (the kernel-smoothed term). Not made the default: on the SVM benchmark (fully matched, 49 source tasks)
    /// the exact moments with s = 0.001 and the meta tuner's automatic log-PI lowered regret at 3 and 10 evaluations on the
    /// development tasks 1-10 (0.075 / 0.014 against 0.094 / 0.031) but not over all 50 tasks (0.073 / 0.027 against 0.065 / 0.024;
    /// bench/RESULTS.md, "Transfer (issue 11) ... H40").
    /// </value>
    public bool? EmpiricalMoments { get; init; } = false;

    /// <summary>
    /// Gets a value indicating whether, with <see cref="EmpiricalMoments"/>, the pre-trained kernel enters the covariance only as its
    /// residual given the shared points S, <c>s·(k(x, x') − k(x, S)(K_SS + σ²I)⁻¹k(S, x'))</c>: nearly 0 at the shared points, where
    /// the covariance is then about λ times the (shrunk) empirical one, and <c>s·k</c> far from them (a conditional covariance, so
    /// still a valid kernel). False adds <c>s·k(x, x')</c> everywhere, a stationary part that also correlates neighbouring shared points.
    /// </summary>
    /// <value>The default is false. Ignored without <see cref="EmpiricalMoments"/>.</value>
    public bool EmpiricalKernelOffSharedPointsOnly { get; init; }

    /// <summary>
    /// Gets the factor s on the pre-trained kernel when <see cref="EmpiricalMoments"/> is on, or null to fit it with λ by the summed
    /// leave-one-out negative log marginal likelihood. A small value (e.g. 0.001) makes the covariance at the shared points
    /// λ times the (shrunk) empirical one alone (candidate-set studies over the shared points); off the shared points the prior
    /// variance then comes mostly from the interpolated empirical part, so whole-space tuning explores little there.
    /// </summary>
    /// <value>
    /// The default is 0.001: the pre-trained stationary kernel correlates neighbouring shared points, which on the SVM benchmark kept
    /// trials 2-3 next to the first (regret at 3 evaluations 0.16 with s fitted, 0.075 with s = 0.001, development tasks;
    /// bench/RESULTS.md, H40). Null fits s with λ. When set, in [1e-6, 10].
    /// </value>
    public double? EmpiricalKernelWeight { get; init; } = 0.001;

    /// <summary>
    /// Gets a value indicating whether, with <see cref="EmpiricalMoments"/>, the prior mean at the shared points is the source tasks'
    /// empirical mean; false keeps the pre-trained (smooth, e.g. MLP) mean and makes only the covariance empirical.
    /// </summary>
    /// <value>The default is true. Ignored without <see cref="EmpiricalMoments"/>.</value>
    public bool EmpiricalMean { get; init; } = true;

    /// <summary>Gets the shrinkage α of the exact empirical covariance (<see cref="EmpiricalMoments"/>) towards v̄·I, v̄ its mean diagonal: <c>(1 − α)·Σ̂ + α·v̄·I</c>.</summary>
    /// <value>The default is 0.01 (keeps the 288 × 288 covariance of 49 tasks, rank 48, positive definite before the noise). In [0, 1).</value>
    public double EmpiricalShrinkage { get; init; } = 0.01;

    /// <summary>
    /// Gets a value indicating whether the MLP mean also reads each task's data-set meta-features (<see cref="TransferTask.MetaFeatures"/>),
    /// z-scored over the source tasks (the standardization is stored in the prior): <c>m(x, z) = vᵀ tanh(Wx + W_z z + b) + c</c>, as in
    /// surrogate transfer across data sets (Feurer, Springenberg and Hutter 2015; Wistuba, Schilling and Schmidt-Thieme 2016). The
    /// prior is then evaluated for a new task's meta-features (<see cref="PretrainedGpPrior.ForTask"/>;
    /// <see cref="MetaGaussianProcessTunerOptions.TaskMetaFeatures"/>). The kernel and the tuner's hand-off do not read them; the
    /// empirical-covariance term's weights (λ, s) are fitted on residuals about the tasks' plain mean, without the features, while the
    /// exact empirical mean (<see cref="EmpiricalMoments"/>) is shifted by the mean's dependence on them. True requires every source
    /// task to carry the same meta-feature names and an MLP mean; null turns it on exactly when the mean is an MLP and every source task
    /// carries the same non-empty, finite meta-features; false never. Measured on wistuba-svm (bench/RESULTS.md, H48) it made every
    /// checkpoint's regret worse: the features let the mean learn each source task's shape, which does not carry to a new data set.
    /// </summary>
    /// <value>
    /// The default is false (the mean reads the configuration alone). A feature without spread over the source tasks enters as 0.
    /// </value>
    public bool? MetaFeatureInput { get; init; } = false;

    /// <summary>Gets the number of Adam steps.</summary>
    /// <value>
    /// The default is 100: about 5 s of CPU for 49 tasks of 288 points at the default minibatch (bench/run.sh transfer
    /// pre-trains 100 priors; bench/RESULTS.md, "Transfer (issue 11)").
    /// </value>
    public int Steps { get; init; } = 100;

    /// <summary>Gets Adam's learning rate.</summary>
    /// <value>The default is 0.02.</value>
    public double LearningRate { get; init; } = 0.02;

    /// <summary>Gets the number of points drawn from each task per step (a task with fewer uses all of them), and the number of shared points the empirical-KL term uses per step.</summary>
    /// <value>The default is 64.</value>
    public int MinibatchSize { get; init; } = 64;

    /// <summary>Gets the weight of the empirical-KL term on the points every task shares (0 turns it off).</summary>
    /// <value>The default is 1.</value>
    public double KlWeight { get; init; } = 1.0;

    /// <summary>Gets the seed of the initial weights and of the minibatches.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; init; }

    /// <summary>Checks the settings and reports every problem at once.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(MeanKind))
        {
            problems.Add(Invariant($"MeanKind {(int)MeanKind} is not a known mean."));
        }

        if (HiddenWidth < 1 || HiddenWidth > 1024)
        {
            problems.Add(Invariant($"HiddenWidth must be in [1, 1024], got {HiddenWidth}."));
        }

        if (Steps < 0 || Steps > 1_000_000)
        {
            problems.Add(Invariant($"Steps must be in [0, 1000000], got {Steps}."));
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            problems.Add(Invariant($"LearningRate must be positive and finite, got {LearningRate}."));
        }

        if (MinibatchSize < 2)
        {
            problems.Add(Invariant($"MinibatchSize must be at least 2, got {MinibatchSize}."));
        }

        if (!(KlWeight >= 0) || !double.IsFinite(KlWeight))
        {
            problems.Add(Invariant($"KlWeight must be finite and at least 0, got {KlWeight}."));
        }

        if (EmpiricalKernelWeight is double kernelWeight && !(kernelWeight >= 1e-6 && kernelWeight <= 10))
        {
            problems.Add(Invariant($"EmpiricalKernelWeight must be null (fitted) or in [1e-6, 10], got {kernelWeight}."));
        }

        if (!(EmpiricalShrinkage >= 0 && EmpiricalShrinkage < 1))
        {
            problems.Add(Invariant($"EmpiricalShrinkage must be in [0, 1), got {EmpiricalShrinkage}."));
        }

        if (EmpiricalCovarianceMinimumTasks < 3)
        {
            problems.Add(Invariant($"EmpiricalCovarianceMinimumTasks must be at least 3, got {EmpiricalCovarianceMinimumTasks}."));
        }

        if (MetaFeatureInput == true && MeanKind != PriorMeanKind.Mlp)
        {
            problems.Add(Invariant($"MetaFeatureInput needs the MLP mean (MeanKind Mlp); got MeanKind {MeanKind}."));
        }

        if (PortfolioSize is < 0 or > 10_000)
        {
            problems.Add(Invariant($"PortfolioSize must be in [0, 10000], got {PortfolioSize}."));
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid GP prior pre-training options: " + string.Join(" ", problems));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
