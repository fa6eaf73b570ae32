using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// version 2 adds <see cref="InputDependentScale"/>; version 1 (written before it) is read as a stationary prior.</para>
/// </remarks>
public sealed class PretrainedGpPrior
{
    private const int FormatVersion = 2;
    private readonly double[] theta;

    internal PretrainedGpPrior(PriorModel model, double[] theta, IReadOnlyList<string> sourceTasks, IReadOnlyList<SourceTaskFit> fits, int sharedPointCount, IReadOnlyList<double> history, int skippedSteps)
    {
        Model = model;
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

    /// <summary>The prior mean of the standardized loss at points.</summary>
    /// <param name="points">Points of <see cref="Dimension"/> values in the unit cube.</param>
    /// <returns>One mean per point.</returns>
    /// <exception cref="ArgumentException">A point has the wrong length or a non-finite value.</exception>
    public double[] Mean(IReadOnlyList<double[]> points)
    {
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
    /// <param name="task">A task of the prior's dimension; its first 128 points are used.</param>
    /// <returns>The fit; NaN when the covariance would not factor.</returns>
    /// <exception cref="ArgumentException">The task's dimension differs from the prior's.</exception>
    public SourceTaskFit FitOf(TransferTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Dimension != Dimension)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Task '{task.Name}' has dimension {task.Dimension}; the prior has {Dimension}."), nameof(task));
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
            return new SourceTaskFit(task.Name, n, Model.NegativeLogLikelihood(torch.tensor(theta, torch.float64), x, y).item<double>() / n);
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
            ["kernel"] = "matern52",
            ["sharedPoints"] = SharedPointCount,
            ["skippedSteps"] = SkippedSteps,
            ["parameters"] = new JsonArray([.. theta.Select(v => JsonValue.Create(v))]),
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

            var model = new PriorModel(Required(node, "dimension").GetValue<int>(), mean, Required(node, "hiddenWidth").GetValue<int>(), Required(node, "kernelOnFeatures").GetValue<bool>(), format >= 2 && Required(node, "inputDependentScale").GetValue<bool>());
            double[] theta = [.. Required(node, "parameters").AsArray().Select(v => v?.GetValue<double>() ?? double.NaN)];
            if (theta.Length != model.Count || theta.Any(v => !double.IsFinite(v)))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"GP prior has {theta.Length} parameters (all must be finite); its form ({mean}, width {model.HiddenWidth}, dimension {model.Dimension}) needs {model.Count}."), nameof(json));
            }

            SourceTaskFit[] fits = [.. Required(node, "sources").AsArray().Select(s => new SourceTaskFit(
                Required(s!.AsObject(), "name").GetValue<string>(),
                Required(s!.AsObject(), "points").GetValue<int>(),
                s!["nllPerPoint"]?.GetValue<double>() ?? double.NaN))];
            return new PretrainedGpPrior(model, theta, [.. fits.Select(f => f.Name)], fits, node["sharedPoints"]?.GetValue<int>() ?? 0, [], node["skippedSteps"]?.GetValue<int>() ?? 0);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"Not a valid GP prior JSON: {e.Message}", nameof(json), e);
        }
    }

    /// <summary>The prior mean at <paramref name="x"/> [m, d]: [m], differentiable in <paramref name="x"/>.</summary>
    internal torch.Tensor MeanTensor(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return Model.Mean(torch.tensor(theta, torch.float64), x).MoveToOuterDisposeScope();
    }

    /// <summary>The prior variance at [m, d]: [m], differentiable in the points.</summary>
    internal torch.Tensor VarianceTensor(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return Model.Variance(torch.tensor(theta, torch.float64), x).MoveToOuterDisposeScope();
    }

    /// <summary>The prior covariance between [n, d] and [m, d]: [n, m], differentiable in both.</summary>
    internal torch.Tensor CovarianceTensor(torch.Tensor a, torch.Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        return Model.Covariance(torch.tensor(theta, torch.float64), a, b).MoveToOuterDisposeScope();
    }

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
