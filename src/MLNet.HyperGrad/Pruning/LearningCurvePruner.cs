using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Pruning;

/// <summary>
/// Stops a trial when its extrapolated learning curve makes it unlikely to end better than the best trial so
/// far (Domhan, Springenberg and Hutter, "Speeding up Automatic Hyperparameter Optimization of Deep Neural
/// Networks by Extrapolation of Learning Curves", IJCAI 2015).
/// </summary>
/// <remarks>
/// <para>After each step from <see cref="MinSteps"/> on (finite values only), five parametric families in
/// loss form are fitted to the trial's curve by least squares (Levenberg-Marquardt): pow3
/// <c>c + a·t^(−α)</c>, exp3 <c>c + a·e^(−bt)</c>, log-power <c>c + a/(1 + (t/e^b)^α)</c>, Janoschek
/// <c>c + a·exp(−κt^δ)</c> and log-linear <c>a + b·ln t</c>; a family needs more points than parameters.
/// The ensemble weights them by BIC (<c>exp(−BIC/2)</c>, normalized) instead of the paper's MCMC; each family
/// predicts the value at the trial's final step as a Gaussian whose variance is the residual variance plus
/// the delta-method parameter variance <c>gᵀ σ²(JᵀJ)⁻¹ g</c>. The trial is pruned when the mixture's
/// probability of ending below the best so far is under <see cref="Threshold"/>.</para>
/// <para>"The best so far" is the smallest last value among complete trials (their final reported value: for the MLP
/// runner the validation loss, or the validation error with <see cref="AutoML.Runners.MlpTrialRunnerOptions.ReportedValue"/>).
/// Nothing is pruned before <see cref="StartupTrials"/> trials are complete, when the judged trial's final
/// step is unknown, or at its final step. A trial whose latest value is NaN or infinite is pruned. Stateless
/// and thread-safe.</para>
/// </remarks>
public sealed class LearningCurvePruner : IPruner
{
    /// <summary>Creates the pruner; every bad setting is reported together.</summary>
    /// <param name="threshold">Prune when P(final value &lt; best so far) is below this; in (0, 1). Default 0.05 (the paper's).</param>
    /// <param name="minSteps">Finite values needed before a trial is judged; at least 3. Default 4.</param>
    /// <param name="startupTrials">Complete trials needed before anything is pruned; at least 1. Default 3.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public LearningCurvePruner(double threshold = 0.05, int minSteps = 4, int startupTrials = 3)
    {
        var problems = new List<string>();
        if (!(threshold > 0 && threshold < 1))
        {
            problems.Add($"threshold must be in (0, 1), got {threshold}.");
        }

        if (minSteps < 3)
        {
            problems.Add($"minSteps must be at least 3 (a curve family needs more points than its 2 to 4 parameters), got {minSteps}.");
        }

        if (startupTrials < 1)
        {
            problems.Add($"startupTrials must be at least 1 (the best so far comes from complete trials), got {startupTrials}.");
        }

        PrunerOptions.ThrowIf(problems, nameof(LearningCurvePruner));
        Threshold = threshold;
        MinSteps = minSteps;
        StartupTrials = startupTrials;
    }

    /// <summary>Gets the probability of beating the best below which a trial is pruned.</summary>
    /// <value>The default is 0.05.</value>
    public double Threshold { get; }

    /// <summary>Gets the number of finite values a trial needs before it is judged.</summary>
    /// <value>The default is 4.</value>
    public int MinSteps { get; }

    /// <summary>Gets the number of complete trials needed before anything is pruned.</summary>
    /// <value>The default is 3.</value>
    public int StartupTrials { get; }

    /// <summary>The probability that a curve ends below <paramref name="best"/> at <paramref name="finalStep"/>, by the ensemble's extrapolation.</summary>
    /// <param name="values">The curve so far (steps from 1 up); non-finite values are skipped.</param>
    /// <param name="finalStep">The step it is extrapolated to.</param>
    /// <param name="best">The value to beat.</param>
    /// <returns>The probability, or NaN when no family could be fitted.</returns>
    public static double ProbabilityToBeat(IReadOnlyList<IntermediateValue> values, int finalStep, double best)
    {
        ArgumentNullException.ThrowIfNull(values);
        (double[] t, double[] y, int shift) = Points(values);
        return CurveEnsemble.Fit(t, y) is { } ensemble ? ensemble.ProbabilityBelow(finalStep + shift, best) : double.NaN;
    }

    /// <summary>The ensemble's predicted mean value of a curve at <paramref name="step"/>.</summary>
    /// <param name="values">The curve so far; non-finite values are skipped.</param>
    /// <param name="step">The step to extrapolate to.</param>
    /// <returns>The predicted value, or NaN when no family could be fitted.</returns>
    public static double Extrapolate(IReadOnlyList<IntermediateValue> values, int step)
    {
        ArgumentNullException.ThrowIfNull(values);
        (double[] t, double[] y, int shift) = Points(values);
        return CurveEnsemble.Fit(t, y) is { } ensemble ? ensemble.Mean(step + shift) : double.NaN;
    }

    /// <inheritdoc />
    public bool ShouldPrune(PrunerTrial trial, IReadOnlyList<PrunerTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(trials);
        if (trial.Values.Count == 0 || trial.FinalStep is not { } finalStep || trial.LastStep >= finalStep)
        {
            return false;
        }

        if (!double.IsFinite(trial.Values[^1].Value))
        {
            return true;
        }

        var finals = trials
            .Where(t => t.State == TrialState.Complete && t.Number != trial.Number && t.Values.Count > 0 && double.IsFinite(t.Values[^1].Value))
            .Select(t => t.Values[^1].Value)
            .ToList();
        if (finals.Count < StartupTrials || trial.Values.Count(v => double.IsFinite(v.Value)) < MinSteps)
        {
            return false;
        }

        double p = ProbabilityToBeat(trial.Values, finalStep, finals.Min());
        return p < Threshold;
    }

    /// <summary>The finite points of a curve; steps below 1 are shifted so that t starts at 1 (the families need t &gt; 0).</summary>
    private static (double[] T, double[] Y, int Shift) Points(IReadOnlyList<IntermediateValue> values)
    {
        var finite = values.Where(v => double.IsFinite(v.Value)).OrderBy(v => v.Step).ToArray();
        int shift = finite.Length > 0 && finite[0].Step < 1 ? 1 - finite[0].Step : 0;
        return ([.. finite.Select(v => (double)(v.Step + shift))], [.. finite.Select(v => v.Value)], shift);
    }
}
