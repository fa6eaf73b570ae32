using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// An Optuna 5 sampler as an <see cref="ITuner"/> over one of our flat search spaces, driven by ask-and-tell
/// (<see cref="OptunaAskTell"/>), so that a benchmark runs it through the same loop and runners as our tuners.
/// </summary>
/// <remarks>
/// <para>Optuna sees each option in its own terms: a <see cref="UniformDoubleOption"/> or <see cref="UniformSingleOption"/> as a
/// <c>FloatDistribution</c> (log when the option is), a <see cref="UniformIntOption"/> as an <c>IntDistribution</c> (log likewise),
/// a <see cref="ChoiceOption"/> as a <c>CategoricalDistribution</c> over its choices' indices; a choice with a single value
/// is fixed and not shown to Optuna. Optuna's answer becomes our <see cref="Parameter"/> through the space itself (each value
/// encoded to its slot, then <see cref="SearchSpace.SampleFromFeatureSpace"/>), so the trial gets exactly the kinds the space
/// decodes to.</para>
/// <para>Lifecycle as <see cref="ITuner"/>'s, serial only: one <see cref="Propose"/>, then that trial's <see cref="Update"/>,
/// then the next (Optuna's driver holds one open trial). A complete trial with a finite loss is told its loss; a failed,
/// pruned or interrupted one, or a NaN or <see cref="double.MaxValue"/> loss, is told as failed (Optuna's samplers ignore
/// those). Dispose to stop the driver.</para>
/// </remarks>
internal sealed class OptunaTuner : ITuner, IDisposable
{
    private readonly SearchSpace space;
    private readonly OptunaAskTell peer;
    private int? open;

    /// <summary>Starts an Optuna sampler over a search space.</summary>
    /// <param name="sampler">The driver's sampler name: "gp", "tpe", "tpe-indep" or "random".</param>
    /// <param name="space">A flat space of double, single, integer and choice options, with at least one free slot.</param>
    /// <param name="seed">The sampler's seed.</param>
    /// <param name="driver">The driver script; null finds it (<see cref="OptunaAskTell.FindDriver"/>).</param>
    /// <exception cref="ArgumentException">The space holds another kind of option (nested spaces, arrays, longs) or has no free slot.</exception>
    public OptunaTuner(string sampler, SearchSpace space, int seed, string? driver = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        this.space = space;
        peer = new OptunaAskTell(sampler, seed, Dimensions(space), driver);
    }

    /// <summary>Gets the Optuna version the driver loaded.</summary>
    public string Version => peer.Version;

    /// <summary>The Optuna dimensions of a flat search space, in its (ordinal) key order; fixed single choices are left out.</summary>
    /// <param name="space">The space.</param>
    /// <returns>One dimension per option that has a slot.</returns>
    /// <exception cref="ArgumentException">An option is of a kind Optuna is not given here, or no option has a slot.</exception>
    public static IReadOnlyList<OptunaDimension> Dimensions(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        var dimensions = new List<OptunaDimension>();
        foreach ((string key, OptionBase option) in space)
        {
            switch (option)
            {
                case UniformDoubleOption or UniformSingleOption:
                    var real = (UniformNumericOption)option;
                    dimensions.Add(new OptunaDimension(key, real.Min, real.Max, real.LogBase));
                    break;
                case UniformIntOption integer:
                    dimensions.Add(new OptunaDimension(key, integer.Min, integer.Max, integer.LogBase, OptunaDimensionKind.Integer));
                    break;
                case ChoiceOption { FeatureSpaceDim: 0 }:
                    break;
                case ChoiceOption choice:
                    dimensions.Add(new OptunaDimension(key, 0, choice.Choices.Count - 1, Log: false, OptunaDimensionKind.Categorical));
                    break;
                default:
                    throw new ArgumentException($"Option \"{key}\" is a {option.GetType().Name}; an Optuna tuner here takes double, single, integer and choice options only.", nameof(space));
            }
        }

        return dimensions.Count > 0 ? dimensions : throw new ArgumentException("The search space has no free slot for Optuna to sample; got only fixed options.", nameof(space));
    }

    /// <inheritdoc />
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (open is int pending)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Trial {pending} was proposed but not updated; an Optuna tuner runs one trial at a time."));
        }

        IReadOnlyDictionary<string, double> values = peer.Ask();
        open = settings.TrialId;
        double[] x = new double[space.FeatureSpaceDim];
        int slot = 0;
        foreach ((string key, OptionBase option) in space)
        {
            if (option.FeatureSpaceDim == 0)
            {
                continue;
            }

            double value = values[key];
            double[] encoded = option switch
            {
                UniformIntOption => option.MappingToFeatureSpace(Parameter.FromInt((int)Math.Round(value))),
                ChoiceOption choice => [((int)Math.Round(value) + 0.5) / choice.Choices.Count],
                _ => option.MappingToFeatureSpace(Parameter.FromDouble(value)),
            };
            x[slot++] = Math.Clamp(encoded[0], 0.0, 1.0);
        }

        return space.SampleFromFeatureSpace(x);
    }

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (open != result.TrialSettings.TrialId)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Update for trial {result.TrialSettings.TrialId}, but the open trial is {(open is int o ? o.ToString(CultureInfo.InvariantCulture) : "none")}."));
        }

        if (!result.IsFailed && double.IsFinite(result.Loss) && result.Loss != double.MaxValue)
        {
            peer.Tell(result.Loss);
        }
        else
        {
            peer.TellFailed();
        }

        open = null;
    }

    /// <summary>Stops the driver.</summary>
    public void Dispose() => peer.Dispose();
}
