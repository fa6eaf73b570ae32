using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Transfer;

/// <summary>A Gaussian-process prior pre-trained on earlier tasks (<see cref="GpPriorPretraining"/>): a mean and a kernel over the unit cube, in standardized loss units.</summary>
/// <remarks>
/// <para>
/// The prior says, before any trial of a new task, what its standardized losses look like: <see cref="Mean"/> (where the
/// good configurations are expected) and <see cref="Covariance"/> (how values at two configurations co-vary). Its units are
/// those of pre-training: each task's losses standardized by their own mean and standard deviation. A
/// <see cref="MetaGaussianProcessTuner"/> holds it fixed while tuning a new task.
/// </para>
/// <para>Immutable and thread-safe; it holds plain arrays (no tensor outlives a call). <see cref="ToJson"/> and
/// <see cref="FromJson"/> round-trip everything except <see cref="ObjectiveHistory"/> (diagnostics of the fit). Format
/// version 2 adds <see cref="InputDependentScale"/> and the optional empirical-covariance term; version 1 (written before it) is read as a stationary prior.
/// Version 3 adds the term's optional exact-moments block (<see cref="HasEmpiricalMoments"/>); versions 1 and 2 are read without it.
/// Version 4 adds the source tasks' greedy <see cref="Portfolio"/> and their raw shared values (<see cref="HasRawSharedValues"/>);
/// earlier versions are read with neither. Version 5 adds the meta-feature input of the mean (<see cref="TakesMetaFeatures"/>: the
/// names and their standardization over the source tasks); earlier versions are read without it.</para>
/// <para>A prior whose mean reads meta-features (<see cref="GpPriorPretrainingOptions.MetaFeatureInput"/>) describes a family of
/// tasks: <see cref="ForTask"/> gives the prior of one task, its mean evaluated at that task's standardized meta-features; the
/// family itself has no <see cref="Mean"/>.</para>
/// </remarks>
public sealed class PretrainedGpPrior
{
    private const int FormatVersion = 5;
    private readonly double[] theta;
    private readonly EmpiricalCovarianceTerm? empirical;
    private readonly double[][] portfolio;
    private readonly SharedSourceValues? rawShared;
    private readonly MetaFeatureStandardization? metaFeatures;

    internal PretrainedGpPrior(PriorModel model, double[] theta, IReadOnlyList<string> sourceTasks, IReadOnlyList<SourceTaskFit> fits, int sharedPointCount, IReadOnlyList<double> history, int skippedSteps, EmpiricalCovarianceTerm? empirical = null, IReadOnlyList<double[]>? portfolio = null, SharedSourceValues? rawShared = null, MetaFeatureStandardization? metaFeatures = null)
    {
        if (model.MetaFeatureCount != (metaFeatures?.Names.Length ?? 0))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The prior's mean reads {model.MetaFeatureCount} meta-features but {metaFeatures?.Names.Length ?? 0} are standardized."), nameof(metaFeatures));
        }

        Model = model;
        this.metaFeatures = metaFeatures;
        this.empirical = empirical;
        this.portfolio = portfolio is null ? [] : [.. portfolio.Select(p => (double[])p.Clone())];
        this.rawShared = rawShared;
        this.theta = (double[])theta.Clone();
        SourceTasks = [.. sourceTasks];
        SourceTaskFit = [.. fits];
        SharedPointCount = sharedPointCount;
        ObjectiveHistory = [.. history];
        SkippedSteps = skippedSteps;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        torch.Tensor t = torch.tensor(this.theta, torch.float64);
        LengthScales = model.LengthScales(t).data<double>().ToArray();
        OutputScale = model.OutputScale(t).item<double>();
        NoiseVariance = model.NoiseVariance(t).item<double>();
    }

    /// <summary>Gets the input dimension <c>d</c> (slots of the search space's unit cube).</summary>
    public int Dimension => Model.Dimension;

    /// <summary>Gets the form of the prior mean.</summary>
    public PriorMeanKind MeanKind => Model.MeanKind;

    /// <summary>Gets the hidden width of the MLP mean and of the kernel's feature map.</summary>
    public int HiddenWidth => Model.HiddenWidth;

    /// <summary>Gets a value indicating whether the kernel acts on learned features rather than on the inputs.</summary>
    public bool KernelOnFeatures => Model.KernelOnFeatures;

    /// <summary>Gets a value indicating whether the prior variance depends on the configuration (<see cref="GpPriorPretrainingOptions.InputDependentScale"/>); <see cref="OutputScale"/> is then its global factor.</summary>
    public bool InputDependentScale => Model.InputDependentScale;

    /// <summary>Gets a value indicating whether the covariance has the empirical-covariance term of the source tasks (<see cref="GpPriorPretrainingOptions.EmpiricalCovariance"/>).</summary>
    public bool HasEmpiricalCovariance => empirical is not null;

    /// <summary>Gets λ, the weight of the empirical-covariance term (0 without it).</summary>
    public double EmpiricalCovarianceWeight => empirical?.Weight ?? 0;

    /// <summary>Gets s, the factor on the pre-trained kernel when the empirical-covariance term is present (1 without it).</summary>
    public double KernelWeight => empirical?.KernelWeight ?? 1;

    /// <summary>
    /// Gets a value indicating whether the empirical term is exact at the shared points (<see cref="GpPriorPretrainingOptions.EmpiricalMoments"/>):
    /// there the prior mean is the source tasks' empirical mean and the term's covariance their (shrunk) empirical covariance.
    /// </summary>
    public bool HasEmpiricalMoments => empirical?.Exact is not null;

    /// <summary>Gets the shrinkage α of the exact empirical covariance towards its mean variance (0 without <see cref="HasEmpiricalMoments"/>).</summary>
    public double EmpiricalShrinkage => empirical?.Exact?.Shrinkage ?? 0;

    /// <summary>Gets a value indicating whether, with <see cref="HasEmpiricalMoments"/>, the pre-trained kernel enters only as its residual given the shared points (<see cref="GpPriorPretrainingOptions.EmpiricalKernelOffSharedPointsOnly"/>).</summary>
    public bool EmpiricalKernelOffSharedPointsOnly => empirical?.Exact?.KernelOffSharedPointsOnly ?? false;

    /// <summary>Gets the number of shared points the empirical-covariance term holds (0 without it).</summary>
    public int EmpiricalCovariancePoints => empirical?.Points.Length ?? 0;

    /// <summary>
    /// Gets the source tasks' greedy portfolio (<see cref="GpPriorPretrainingOptions.PortfolioSize"/>): points of the unit cube, in
    /// the order picked, each a point every source task holds; empty when the tasks share no points. Copies.
    /// </summary>
    public IReadOnlyList<double[]> Portfolio => [.. portfolio.Select(p => (double[])p.Clone())];

    /// <summary>
    /// Gets a value indicating whether the prior holds the source tasks' raw losses at their shared points (pre-training on a fully
    /// matched history of at least 3 tasks), which the raw-unit empirical hand-off of the tuner needs
    /// (<see cref="MetaGaussianProcessTunerOptions.EmpiricalHandoffTrial"/>).
    /// </summary>
    public bool HasRawSharedValues => rawShared is not null;

    /// <summary>
    /// Gets a value indicating whether the mean reads a task's data-set meta-features (<see cref="GpPriorPretrainingOptions.MetaFeatureInput"/>);
    /// such a prior is used through <see cref="ForTask"/>.
    /// </summary>
    public bool TakesMetaFeatures => metaFeatures is not null;

    /// <summary>Gets the names of the meta-features the mean reads, ordinal order; empty when it reads none.</summary>
    public IReadOnlyList<string> MetaFeatureNames => metaFeatures is null ? [] : [.. metaFeatures.Names];

    /// <summary>Gets each meta-feature's mean over the source tasks (<see cref="MetaFeatureNames"/> order); empty when the mean reads none.</summary>
    public IReadOnlyList<double> MetaFeatureMeans => metaFeatures is null ? [] : [.. metaFeatures.Means];

    /// <summary>Gets each meta-feature's standard deviation over the source tasks (divisor T; 0 for a feature without spread, which enters as 0); empty when the mean reads none.</summary>
    public IReadOnlyList<double> MetaFeatureScales => metaFeatures is null ? [] : [.. metaFeatures.Scales];

    /// <summary>Gets the meta-feature standardization, or null.</summary>
    internal MetaFeatureStandardization? MetaFeatureStandardization => metaFeatures;

    /// <summary>Gets the source tasks' raw losses at the shared points, or null (<see cref="HasRawSharedValues"/>).</summary>
    internal SharedSourceValues? RawShared => rawShared;

    /// <summary>Gets the names of the tasks the prior was pre-trained on, in the order given.</summary>
    public IReadOnlyList<string> SourceTasks { get; }

    /// <summary>Gets, per source task (same order), how well the final prior explains it (negative log likelihood per point).</summary>
    public IReadOnlyList<SourceTaskFit> SourceTaskFit { get; }

    /// <summary>Gets the number of points every source task shared, which the empirical-KL term used (0 when none, or when it was off).</summary>
    public int SharedPointCount { get; }

    /// <summary>Gets the minibatch objective at each Adam step taken (empty after <see cref="FromJson"/>).</summary>
    public IReadOnlyList<double> ObjectiveHistory { get; }

    /// <summary>Gets the number of steps skipped because a covariance would not factor.</summary>
    public int SkippedSteps { get; }

    /// <summary>Gets the kernel's length scales (per input dimension, or per feature when <see cref="KernelOnFeatures"/>).</summary>
    public IReadOnlyList<double> LengthScales { get; }

    /// <summary>Gets the kernel's output scale (prior variance of the standardized loss; with <see cref="InputDependentScale"/> its global factor, see <see cref="Variance"/>).</summary>
    public double OutputScale { get; }

    /// <summary>Gets the observation noise variance (standardized units).</summary>
    public double NoiseVariance { get; }

    /// <summary>Gets the parameter vector θ (a copy), for diagnostics.</summary>
    public IReadOnlyList<double> Parameters => [.. theta];

    internal PriorModel Model { get; }

    /// <summary>
    /// The prior of one task when the mean reads meta-features (<see cref="TakesMetaFeatures"/>): the task's meta-features are
    /// standardized as the source tasks' were, and the mean is evaluated at them (an MLP mean of the configuration alone, its hidden
    /// bias shifted by <c>W_z z</c>); the kernel, the empirical-covariance term, the portfolio and the raw shared values are this
    /// prior's. A prior whose mean reads none returns itself.
    /// </summary>
    /// <param name="taskMetaFeatures">The task's meta-features by name (as <see cref="Data.DataMetaFeatures"/> or <see cref="TransferTask.MetaFeatures"/> carry them); names the prior does not read are ignored.</param>
    /// <returns>The task's prior, whose mean reads no meta-features.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="taskMetaFeatures"/> is null.</exception>
    /// <exception cref="ArgumentException">A meta-feature the prior reads is missing (the message lists every missing name) or not finite.</exception>
    public PretrainedGpPrior ForTask(IReadOnlyDictionary<string, double> taskMetaFeatures)
    {
        ArgumentNullException.ThrowIfNull(taskMetaFeatures);
        if (metaFeatures is null)
        {
            return this;
        }

        double[] z = metaFeatures.Standardize(taskMetaFeatures, "the new task");
        (PriorModel folded, double[] foldedTheta) = Model.FoldMetaFeatures(theta, z);
        return new PretrainedGpPrior(folded, foldedTheta, SourceTasks, SourceTaskFit, SharedPointCount, ObjectiveHistory, SkippedSteps, empirical, portfolio, rawShared);
    }

    /// <summary>The prior mean of the standardized loss at points.</summary>
    /// <param name="points">Points of <see cref="Dimension"/> values in the unit cube.</param>
    /// <returns>One mean per point.</returns>
    /// <exception cref="ArgumentException">A point has the wrong length or a non-finite value.</exception>
    /// <exception cref="InvalidOperationException">The mean reads meta-features (<see cref="TakesMetaFeatures"/>): use <see cref="ForTask"/> first.</exception>
    public double[] Mean(IReadOnlyList<double[]> points)
    {
        if (metaFeatures is not null)
        {
            throw new InvalidOperationException($"This prior's mean reads the data-set meta-features {string.Join(", ", metaFeatures.Names)}; call ForTask with the task's meta-features for its mean.");
        }

        CheckPoints(points, nameof(points));
        if (points.Count == 0)
        {
            return [];
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return MeanTensor(Matrix(points)).data<double>().ToArray();
    }

    /// <summary>The prior variance (noise excluded) of the standardized loss at points: <see cref="OutputScale"/> everywhere, or σ² g(x)² with <see cref="InputDependentScale"/>.</summary>
    /// <param name="points">Points of <see cref="Dimension"/> values in the unit cube.</param>
    /// <returns>One variance per point.</returns>
    /// <exception cref="ArgumentException">A point has the wrong length or a non-finite value.</exception>
    public double[] Variance(IReadOnlyList<double[]> points)
    {
        CheckPoints(points, nameof(points));
        if (points.Count == 0)
        {
            return [];
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return VarianceTensor(Matrix(points)).data<double>().ToArray();
    }

    /// <summary>The prior covariance (noise excluded) between two sets of points.</summary>
    /// <param name="a">Points of <see cref="Dimension"/> values in the unit cube (rows of the result).</param>
    /// <param name="b">Points of <see cref="Dimension"/> values in the unit cube (columns of the result).</param>
    /// <returns>The matrix, <c>a.Count</c> rows of <c>b.Count</c> values.</returns>
    /// <exception cref="ArgumentException">A point has the wrong length or a non-finite value.</exception>
    public double[][] Covariance(IReadOnlyList<double[]> a, IReadOnlyList<double[]> b)
    {
        CheckPoints(a, nameof(a));
        CheckPoints(b, nameof(b));
        if (a.Count == 0 || b.Count == 0)
        {
            return [.. a.Select(_ => Array.Empty<double>())];
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        double[] flat = CovarianceTensor(Matrix(a), Matrix(b)).data<double>().ToArray();
        return [.. Enumerable.Range(0, a.Count).Select(i => flat.AsSpan(i * b.Count, b.Count).ToArray())];
    }

    /// <summary>How well the prior explains a task: the negative log marginal likelihood per point of its standardized losses (as <see cref="SourceTaskFit"/> reports for the source tasks).</summary>
    /// <param name="task">A task of the prior's dimension; its first 128 points are used. When the mean reads meta-features, the task's own (<see cref="TransferTask.MetaFeatures"/>).</param>
    /// <returns>The fit; NaN when the covariance would not factor.</returns>
    /// <exception cref="ArgumentException">The task's dimension differs from the prior's, or the mean reads meta-features the task lacks.</exception>
    public SourceTaskFit FitOf(TransferTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Dimension != Dimension)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Task '{task.Name}' has dimension {task.Dimension}; the prior has {Dimension}."), nameof(task));
        }

        if (metaFeatures is not null)
        {
            return ForTask(task.MetaFeatures ?? throw new ArgumentException($"The prior's mean reads the data-set meta-features {string.Join(", ", metaFeatures.Names)}; task '{task.Name}' has none.", nameof(task))).FitOf(task);
        }

        int n = Math.Min(GpPriorPretraining.FitPointLimit, task.Inputs.Count);
        double[] losses = [.. task.Losses.Take(n)];
        double mean = losses.Average();
        double variance = losses.Sum(l => (l - mean) * (l - mean)) / n;
        double std = variance > 1e-24 ? Math.Sqrt(variance) : 1.0;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        try
        {
            torch.Tensor x = Matrix([.. task.Inputs.Take(n)]).unsqueeze(0);
            torch.Tensor y = torch.tensor(losses.Select(l => (l - mean) / std).ToArray(), torch.float64).unsqueeze(0);
            if (empirical is null)
            {
                return new SourceTaskFit(task.Name, n, Model.NegativeLogLikelihood(torch.tensor(theta, torch.float64), x, y).item<double>() / n);
            }

            torch.Tensor points = x.squeeze(0);
            torch.Tensor k = CovarianceTensor(points, points).Plus(torch.eye(n, dtype: torch.float64).Times(NoiseVariance));
            torch.Tensor l = Bayesian.Cholesky.Factor(k, out _);
            torch.Tensor whitened = torch.linalg.solve_triangular(l, (y.squeeze(0) - MeanTensor(points)).unsqueeze(1), upper: false);
            double nll = (0.5 * whitened.Square().sum().item<double>()) + l.diagonal().log().sum().item<double>() + (0.5 * n * Math.Log(2 * Math.PI));
            return new SourceTaskFit(task.Name, n, nll / n);
        }
        catch (Bayesian.NotPositiveDefiniteException)
        {
            return new SourceTaskFit(task.Name, n, double.NaN);
        }
    }

    /// <summary>The prior as JSON (format version, form, parameters, source tasks and their fit).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var node = new JsonObject
        {
            ["format"] = FormatVersion,
            ["dimension"] = Dimension,
            ["mean"] = MeanKind.ToString(),
            ["hiddenWidth"] = HiddenWidth,
            ["kernelOnFeatures"] = KernelOnFeatures,
            ["inputDependentScale"] = InputDependentScale,
            ["metaFeatures"] = metaFeatures is null ? null : new JsonObject
            {
                ["names"] = new JsonArray([.. metaFeatures.Names.Select(n => JsonValue.Create(n))]),
                ["means"] = new JsonArray([.. metaFeatures.Means.Select(v => JsonValue.Create(v))]),
                ["scales"] = new JsonArray([.. metaFeatures.Scales.Select(v => JsonValue.Create(v))]),
            },
            ["kernel"] = "matern52",
            ["sharedPoints"] = SharedPointCount,
            ["skippedSteps"] = SkippedSteps,
            ["parameters"] = new JsonArray([.. theta.Select(v => JsonValue.Create(v))]),
            ["empirical"] = empirical is null ? null : new JsonObject
            {
                ["weight"] = empirical.Weight,
                ["kernelWeight"] = empirical.KernelWeight,
                ["tasks"] = empirical.TaskCount,
                ["points"] = new JsonArray([.. empirical.Points.Select(row => new JsonArray([.. row.Select(v => JsonValue.Create(v))]))]),
                ["loadings"] = new JsonArray([.. empirical.Loadings.Select(v => JsonValue.Create(v))]),
                ["exact"] = empirical.Exact is null ? null : new JsonObject
                {
                    ["shrinkage"] = empirical.Exact.Shrinkage,
                    ["kernelOffSharedPointsOnly"] = empirical.Exact.KernelOffSharedPointsOnly,
                    ["meanCorrection"] = new JsonArray([.. empirical.Exact.MeanCorrection.Select(v => JsonValue.Create(v))]),
                },
            },
            ["portfolio"] = new JsonArray([.. portfolio.Select(row => new JsonArray([.. row.Select(v => JsonValue.Create(v))]))]),
            ["rawShared"] = rawShared is null ? null : new JsonObject
            {
                ["points"] = new JsonArray([.. rawShared.Points.Select(row => new JsonArray([.. row.Select(v => JsonValue.Create(v))]))]),
                ["values"] = new JsonArray([.. rawShared.Values.Select(row => new JsonArray([.. row.Select(v => JsonValue.Create(v))]))]),
            },
            ["sources"] = new JsonArray([.. SourceTaskFit.Select(f => new JsonObject
            {
                ["name"] = f.Name,
                ["points"] = f.Points,
                ["nllPerPoint"] = double.IsFinite(f.NegativeLogLikelihoodPerPoint) ? JsonValue.Create(f.NegativeLogLikelihoodPerPoint) : null,
            })]),
        };
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    /// <summary>Reads a prior written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The prior.</returns>
    /// <exception cref="ArgumentException">The text is not a prior of a known format version, or its parameters do not fit its form; the message says what is wrong.</exception>
    public static PretrainedGpPrior FromJson(string json)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        try
        {
            JsonObject node = JsonNode.Parse(json)?.AsObject() ?? throw new ArgumentException("Expected a JSON object for a GP prior; got null.", nameof(json));
            int format = Required(node, "format").GetValue<int>();
            if (format is < 1 or > FormatVersion)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"GP prior format version {format} is not known; expected 1 to {FormatVersion}."), nameof(json));
            }

            string meanName = Required(node, "mean").GetValue<string>();
            if (!Enum.TryParse(meanName, ignoreCase: false, out PriorMeanKind mean) || !Enum.IsDefined(mean))
            {
                throw new ArgumentException($"GP prior mean '{meanName}' is not one of {string.Join(", ", Enum.GetNames<PriorMeanKind>())}.", nameof(json));
            }

            MetaFeatureStandardization? standardization = null;
            if (format >= 5 && node["metaFeatures"] is { } block && block is not JsonObject)
            {
                throw new ArgumentException($"GP prior's \"metaFeatures\" must be an object with names, means and scales, or absent; got {block.GetValueKind()}.", nameof(json));
            }

            if (format >= 5 && node["metaFeatures"] is JsonObject mf)
            {
                try
                {
                    standardization = new MetaFeatureStandardization(
                        [.. Required(mf, "names").AsArray().Select(v => v?.GetValue<string>() ?? throw new ArgumentException("a meta-feature name is null"))],
                        [.. Required(mf, "means").AsArray().Select(v => v!.GetValue<double>())],
                        [.. Required(mf, "scales").AsArray().Select(v => v!.GetValue<double>())]);
                }
                catch (ArgumentException invalid)
                {
                    throw new ArgumentException($"GP prior's meta-feature block is invalid: {invalid.Message}", nameof(json), invalid);
                }

                if (mean != PriorMeanKind.Mlp)
                {
                    throw new ArgumentException($"GP prior's meta-features enter only an MLP mean; its mean is {mean}.", nameof(json));
                }
            }

            var model = new PriorModel(Required(node, "dimension").GetValue<int>(), mean, Required(node, "hiddenWidth").GetValue<int>(), Required(node, "kernelOnFeatures").GetValue<bool>(), format >= 2 && Required(node, "inputDependentScale").GetValue<bool>(), standardization?.Names.Length ?? 0);
            double[] theta = [.. Required(node, "parameters").AsArray().Select(v => v?.GetValue<double>() ?? double.NaN)];
            if (theta.Length != model.Count || theta.Any(v => !double.IsFinite(v)))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"GP prior has {theta.Length} parameters (all must be finite); its form ({mean}, width {model.HiddenWidth}, dimension {model.Dimension}) needs {model.Count}."), nameof(json));
            }

            SourceTaskFit[] fits = [.. Required(node, "sources").AsArray().Select(s => new SourceTaskFit(
                Required(s!.AsObject(), "name").GetValue<string>(),
                Required(s!.AsObject(), "points").GetValue<int>(),
                s!["nllPerPoint"]?.GetValue<double>() ?? double.NaN))];
            EmpiricalCovarianceTerm? term = null;
            if (node["empirical"] is JsonObject e)
            {
                double[][] points = [.. Required(e, "points").AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<double>()).ToArray())];
                if (points.Any(r => r.Length != model.Dimension || r.Any(v => !double.IsFinite(v))))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"GP prior's empirical-covariance points must have {model.Dimension} finite values each."), nameof(json));
                }

                EmpiricalMoments? exact = format >= 3 && e["exact"] is JsonObject x
                    ? new EmpiricalMoments([.. Required(x, "meanCorrection").AsArray().Select(v => v!.GetValue<double>())], Required(x, "shrinkage").GetValue<double>(), Required(x, "kernelOffSharedPointsOnly").GetValue<bool>())
                    : null;
                term = new EmpiricalCovarianceTerm(points, [.. Required(e, "loadings").AsArray().Select(v => v!.GetValue<double>())], Required(e, "tasks").GetValue<int>(), Required(e, "weight").GetValue<double>(), Required(e, "kernelWeight").GetValue<double>(), exact);
            }

            double[][] portfolioPoints = format >= 4 && node["portfolio"] is JsonArray portfolioNode
                ? [.. portfolioNode.Select(r => r!.AsArray().Select(v => v!.GetValue<double>()).ToArray())]
                : [];
            if (portfolioPoints.Any(r => r.Length != model.Dimension || r.Any(v => !double.IsFinite(v))))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"GP prior's portfolio points must have {model.Dimension} finite values each."), nameof(json));
            }

            SharedSourceValues? raw = null;
            if (format >= 4 && node["rawShared"] is JsonObject r)
            {
                double[][] rawPoints = [.. Required(r, "points").AsArray().Select(row => row!.AsArray().Select(v => v!.GetValue<double>()).ToArray())];
                double[][] rawValues = [.. Required(r, "values").AsArray().Select(row => row!.AsArray().Select(v => v!.GetValue<double>()).ToArray())];
                if (rawPoints.Any(row => row.Length != model.Dimension || row.Any(v => !double.IsFinite(v))) || rawValues.Length < 3 || rawValues.Any(row => row.Length != rawPoints.Length || row.Any(v => !double.IsFinite(v))))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"GP prior's raw shared values must hold points of {model.Dimension} finite values and at least 3 tasks of one finite value per point."), nameof(json));
                }

                raw = new SharedSourceValues(rawPoints, rawValues);
            }

            return new PretrainedGpPrior(model, theta, [.. fits.Select(f => f.Name)], fits, node["sharedPoints"]?.GetValue<int>() ?? 0, [], node["skippedSteps"]?.GetValue<int>() ?? 0, term, portfolioPoints, raw, standardization);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"Not a valid GP prior JSON: {e.Message}", nameof(json), e);
        }
    }

    /// <summary>The prior mean at <paramref name="x"/> [m, d]: [m], differentiable in <paramref name="x"/>.</summary>
    internal torch.Tensor MeanTensor(torch.Tensor x)
    {
        if (metaFeatures is not null)
        {
            throw new InvalidOperationException($"This prior's mean reads the data-set meta-features {string.Join(", ", metaFeatures.Names)}; call ForTask with the task's meta-features for its mean.");
        }

        using var scope = torch.NewDisposeScope();
        torch.Tensor th = torch.tensor(theta, torch.float64);
        torch.Tensor mean = Model.Mean(th, x);
        return (empirical?.Exact is null ? mean : mean.Plus(empirical.MeanCorrection(Model, th, x))).MoveToOuterDisposeScope();
    }

    /// <summary>The prior variance at [m, d]: [m], differentiable in the points.</summary>
    internal torch.Tensor VarianceTensor(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor th = torch.tensor(theta, torch.float64);
        return (empirical is null ? Model.Variance(th, x) : empirical.Variance(Model, th, x)).MoveToOuterDisposeScope();
    }

    /// <summary>The prior covariance between [n, d] and [m, d]: [n, m], differentiable in both.</summary>
    internal torch.Tensor CovarianceTensor(torch.Tensor a, torch.Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor th = torch.tensor(theta, torch.float64);
        return (empirical is null ? Model.Covariance(th, a, b) : empirical.Covariance(Model, th, a, b)).MoveToOuterDisposeScope();
    }

    /// <summary>This prior with an empirical-covariance term (everything else shared).</summary>
    internal PretrainedGpPrior WithEmpiricalCovariance(EmpiricalCovarianceTerm term) => new(Model, theta, SourceTasks, SourceTaskFit, SharedPointCount, ObjectiveHistory, SkippedSteps, term, portfolio, rawShared, metaFeatures);

    /// <summary>This prior with another portfolio (everything else shared).</summary>
    internal PretrainedGpPrior WithPortfolio(IReadOnlyList<double[]> points) => new(Model, theta, SourceTasks, SourceTaskFit, SharedPointCount, ObjectiveHistory, SkippedSteps, empirical, points, rawShared, metaFeatures);

    /// <summary>This prior with other raw shared values (everything else shared).</summary>
    internal PretrainedGpPrior WithRawShared(SharedSourceValues? values) => new(Model, theta, SourceTasks, SourceTaskFit, SharedPointCount, ObjectiveHistory, SkippedSteps, empirical, portfolio, values, metaFeatures);

    /// <summary>Rows as a float64 tensor [n, d].</summary>
    internal torch.Tensor Matrix(IReadOnlyList<double[]> rows) => Bayesian.GaussianProcess.ToMatrix(rows, Dimension);

    private void CheckPoints(IReadOnlyList<double[]> points, string argument)
    {
        ArgumentNullException.ThrowIfNull(points, argument);
        for (int i = 0; i < points.Count; i++)
        {
            double[] row = points[i] ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Point {i} is null."), argument);
            if (row.Length != Dimension || row.Any(v => !double.IsFinite(v)))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Point {i} has {row.Length} values; expected {Dimension} finite values (the prior's dimension)."), argument);
            }
        }
    }

    private static JsonNode Required(JsonObject node, string name) =>
        node[name] ?? throw new FormatException($"GP prior JSON lacks the field '{name}'.");
}
