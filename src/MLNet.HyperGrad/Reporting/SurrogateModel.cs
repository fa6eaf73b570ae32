using System.Globalization;
using System.Text.Json;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Reporting;

/// <summary>
/// A Gaussian process refitted to a study's complete trials, as the Gaussian-process tuner would fit it, for the report's
/// surrogate section: predictions in the units of the trials' loss.
/// </summary>
/// <remarks>
/// <para>
/// Inputs: each complete trial with a finite loss whose <see cref="ReportTrial.ParametersJson"/> maps into the search
/// space's unit cube, in the tuner's canonical encoding (<c>MappingToFeatureSpace(SampleFromFeatureSpace(x))</c>: integer
/// and choice slots at their bins' encodings, inactive branches at their defaults). Targets: the losses standardized
/// (mean 0, standard deviation 1), the tuner's default (<see cref="GaussianProcessTunerOptions.Warping"/> is
/// <see cref="OutputWarping.None"/>). Kernel, fit settings and categorical slots are the tuner's defaults
/// (<see cref="GaussianProcessTunerOptions"/>), seed 0, no warm start. Failed, pruned and running trials are left out:
/// the report shows the model of what completed, not the tuner's exact last model (which also held pending and pruned
/// trials).
/// </para>
/// <para>
/// <see cref="TryCreate"/> never throws for odd data: too few trials, trials that do not map into the space, equal
/// losses or a covariance that will not factor give a reason instead.
/// </para>
/// </remarks>
internal sealed class SurrogateModel : IDisposable
{
    /// <summary>The fewest complete trials the model is fitted to.</summary>
    public const int MinTrials = 3;

    /// <summary>The most trials the model is fitted to (an exact fit costs the cube of their number): the best one and the latest others.</summary>
    public const int MaxTrials = 300;

    private readonly GaussianProcess process;
    private readonly double lossMean;
    private readonly double lossScale;

    private SurrogateModel(SearchSpace space, GaussianProcess process, IReadOnlyList<(ReportTrial Trial, double[] X)> fitted, double lossMean, double lossScale, int unmapped, int leftOut)
    {
        LeftOut = leftOut;
        Space = space;
        this.process = process;
        Fitted = fitted;
        this.lossMean = lossMean;
        this.lossScale = lossScale;
        Unmapped = unmapped;
    }

    /// <summary>Gets the search space whose unit cube the model lives in.</summary>
    public SearchSpace Space { get; }

    /// <summary>Gets the trials the model was fitted to, with their canonical unit-cube points, by number.</summary>
    public IReadOnlyList<(ReportTrial Trial, double[] X)> Fitted { get; }

    /// <summary>Gets the number of complete trials left out because their parameters do not map into the space.</summary>
    public int Unmapped { get; }

    /// <summary>Gets the number of complete trials left out because the study has more than <see cref="MaxTrials"/> (the earliest ones, never the best).</summary>
    public int LeftOut { get; }

    /// <summary>Gets the fitted hyperparameters (standardized units).</summary>
    public GaussianProcessHyperparameters Hyperparameters => process.Hyperparameters;

    /// <summary>Fits the model to a report's complete trials, or says why it cannot.</summary>
    /// <param name="model">The report model; its <see cref="ReportData.SearchSpace"/> must be set.</param>
    /// <param name="surrogate">The model, or null.</param>
    /// <param name="problem">Why there is no model (a sentence for people), or null.</param>
    /// <returns>Whether a model was fitted.</returns>
    public static bool TryCreate(ReportModel model, out SurrogateModel? surrogate, out string? problem)
    {
        surrogate = null;
        problem = null;
        if (model.Data.SearchSpace is not { } space)
        {
            problem = "The report was not given the search space, so the trials cannot be placed in the model's unit cube.";
            return false;
        }

        int d = space.FeatureSpaceDim;
        if (d == 0)
        {
            problem = "The search space has no parameters.";
            return false;
        }

        var fitted = new List<(ReportTrial Trial, double[] X)>();
        int unmapped = 0;
        foreach (ReportTrial trial in model.Trials.Where(t => ReportModel.IsComplete(t) && t.Loss is double loss && double.IsFinite(loss) && loss != double.MaxValue))
        {
            if (Encode(space, trial.ParametersJson) is { } x)
            {
                fitted.Add((trial, x));
            }
            else
            {
                unmapped++;
            }
        }

        string left = unmapped == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" ({unmapped} more could not be placed in the search space)");
        if (fitted.Count < MinTrials)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"The surrogate needs at least {MinTrials} complete trials with a finite loss; this study has {fitted.Count}{left}.");
            return false;
        }

        int leftOut = Math.Max(0, fitted.Count - MaxTrials);
        if (leftOut > 0)
        {
            // The latest trials, and the best one in place of the earliest of them when it is older.
            int bestIndex = Enumerable.Range(0, fitted.Count).MinBy(i => fitted[i].Trial.Loss!.Value);
            List<(ReportTrial Trial, double[] X)> kept = [.. fitted.Skip(leftOut)];
            if (bestIndex < leftOut)
            {
                kept[0] = fitted[bestIndex];
            }

            fitted = kept;
        }

        double[] losses = [.. fitted.Select(f => f.Trial.Loss!.Value)];
        double mean = losses.Average();
        double scale = Math.Sqrt(losses.Sum(v => (v - mean) * (v - mean)) / losses.Length);
        if (!(scale > 1e-12 * Math.Max(1, Math.Abs(mean))) || !double.IsFinite(scale))
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"All {fitted.Count} complete trials have the same loss ({Formatting.Value(mean)}): there is nothing for a surrogate to model.");
            return false;
        }

        double[][] inputs = [.. fitted.Select(f => f.X)];
        double[] targets = [.. losses.Select(v => (v - mean) / scale)];
        bool[] categorical = [.. space.FeatureDimensions.Select(f => f.Kind == FeatureDimensionKind.Categorical)];
        var options = new GaussianProcessTunerOptions();
        try
        {
            GaussianProcessHyperparameters hyperparameters = GaussianProcessFit.Fit(options.Kernel, inputs, targets, options.Fit, null, 0, categorical);
            var process = new GaussianProcess(options.Kernel, inputs, targets, hyperparameters, categorical);
            surrogate = new SurrogateModel(space, process, fitted, mean, scale, unmapped, leftOut);
            return true;
        }
        catch (NotPositiveDefiniteException ex)
        {
            problem = "The surrogate could not be fitted: its covariance matrix would not factor even with jitter (" + ex.Message + ").";
        }
        catch (Exception ex) when (ex is HyperGradException or ArgumentException)
        {
            problem = "The surrogate could not be fitted: " + ex.Message;
        }

        return false;
    }

    /// <summary>The canonical unit-cube point of a parameter given as JSON, or null when it is missing or does not fit the space.</summary>
    public static double[]? Encode(SearchSpace space, string? parametersJson)
    {
        if (parametersJson is null)
        {
            return null;
        }

        try
        {
            double[] x = space.MappingToFeatureSpace(Parameter.FromJson(parametersJson));
            return x.Length == space.FeatureSpaceDim && x.All(double.IsFinite) ? Canonical(space, x) : null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException or JsonException or InvalidCastException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>The tuner's canonical encoding of a point: clamped to the cube, decoded and encoded again.</summary>
    public static double[] Canonical(SearchSpace space, double[] x)
    {
        double[] clamped = [.. x.Select(v => Math.Clamp(v, 0.0, 1.0))];
        return space.MappingToFeatureSpace(space.SampleFromFeatureSpace(clamped));
    }

    /// <summary>The posterior mean and standard deviation of the loss (noise excluded) at unit-cube points, in the loss's units.</summary>
    /// <param name="points">Points of the unit cube, each with the space's dimension.</param>
    /// <returns>The mean and the standard deviation at each point.</returns>
    public (double[] Mean, double[] StandardDeviation) Predict(IReadOnlyList<double[]> points)
    {
        (double[] mean, double[] variance) = process.Predict(points);
        return ([.. mean.Select(m => lossMean + (m * lossScale))], [.. variance.Select(v => Math.Sqrt(v) * lossScale)]);
    }

    /// <inheritdoc />
    public void Dispose() => process.Dispose();
}
