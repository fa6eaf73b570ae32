using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>
/// The tuner of self-tuning runs (<see cref="SelfTuningTrialRunner"/>): the hyperparameters are tuned inside each trial, online,
/// so this tuner only chooses where a run starts.
/// </summary>
/// <remarks>
/// <para>The first trial starts at the search space's defaults. Each later trial restarts training from scratch at the
/// hyperparameters the best trial so far ended with (its mean dropout over the hidden layers, the geometric mean of its L2
/// coefficients), as greedy one-step does with its tuned hyperparameters; if that start is within 0.02 (in the unit cube) of
/// an earlier start, it starts at a seeded uniformly random point instead. Failed and pruned trials are ignored.</para>
/// <para>The search space must be <see cref="SelfTuningTrialRunner.CreateSearchSpace"/>'s under
/// <see cref="SelfTuningTrialRunner.SearchSpaceKey"/> and nothing else: the network, epochs and optimizer are the runner's
/// settings, and integer or choice options cannot be tuned online.</para>
/// <para>Several workers: a start is remembered when proposed, so a proposal made while another is pending at the same
/// start takes a seeded random start instead: concurrent proposals differ. Results are accepted in any order (the best
/// is kept); a tuner rebuilt from storage restarts from the best stored trial only when its results are self-tuning
/// results (plain results replayed from storage carry no tuned end point and leave it at the defaults, then random
/// starts).</para>
/// </remarks>
public sealed class SelfTuningTuner : ITuner
{
    private const double SameStart = 0.02;
    private readonly UniformDoubleOption dropoutOption;
    private readonly UniformDoubleOption l2Option;
    private readonly Random random;
    private readonly List<double[]> starts = [];
    private SelfTuningTrialResult? best;

    /// <summary>Creates the tuner.</summary>
    /// <param name="searchSpace">The experiment's search space: <see cref="SelfTuningTrialRunner.CreateSearchSpace"/>'s under <see cref="SelfTuningTrialRunner.SearchSpaceKey"/>, alone.</param>
    /// <param name="seed">Seeds the random restarts.</param>
    /// <exception cref="ArgumentException">The search space is not one this tuner supports; the message says what it holds and what is needed.</exception>
    public SelfTuningTuner(SearchSpace searchSpace, int seed)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        (dropoutOption, l2Option) = Check(searchSpace);
        random = new Random(seed);
    }

    /// <inheritdoc />
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        double[] start = best is { } b && b.Run.Dropout.Count > 0
            ? [Unit(dropoutOption, b.Run.Dropout.Average()), Unit(l2Option, Math.Exp(b.Run.L2.Average(Math.Log)))]
            : [dropoutOption.Default[0], l2Option.Default[0]];
        if (starts.Any(s => Math.Abs(s[0] - start[0]) < SameStart && Math.Abs(s[1] - start[1]) < SameStart))
        {
            start = [random.NextDouble(), random.NextDouble()];
        }

        starts.Add(start);
        return Parameter.CreateNestedParameter((SelfTuningTrialRunner.SearchSpaceKey, Parameter.CreateNestedParameter(
            (SelfTuningTrialRunner.InitialDropoutKey, dropoutOption.SampleFromFeatureSpace([start[0]])),
            (SelfTuningTrialRunner.InitialL2Key, l2Option.SampleFromFeatureSpace([start[1]])))));
    }

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.IsFailed && result is SelfTuningTrialResult s && double.IsFinite(s.Loss) && (best is null || s.Loss < best.Loss))
        {
            best = s;
        }
    }

    private static double Unit(UniformDoubleOption option, double value) =>
        option.MappingToFeatureSpace(Parameter.FromDouble(Math.Clamp(value, option.Min, option.Max)))[0];

    private static (UniformDoubleOption Dropout, UniformDoubleOption L2) Check(SearchSpace searchSpace)
    {
        const string Needed = "the self-tuning tuner tunes dropout and L2 online inside each run, so its search space is SelfTuningTrialRunner.CreateSearchSpace() (initial_dropout, initial_l2) under \"self_tuning\" and nothing else; set the network, epochs and optimizer in SelfTuningOptions";
        if (searchSpace.Count != 1 || !searchSpace.TryGetValue(SelfTuningTrialRunner.SearchSpaceKey, out OptionBase? option) || option is not SearchSpace inner)
        {
            throw new ArgumentException($"Unsupported search space for the self-tuning tuner: it holds [{string.Join(", ", searchSpace.Keys)}]; {Needed}.", nameof(searchSpace));
        }

        UniformDoubleOption Get(string key, double min, double max)
        {
            if (!inner.TryGetValue(key, out OptionBase? found))
            {
                throw new ArgumentException($"Unsupported search space for the self-tuning tuner: \"self_tuning\" has no \"{key}\"; {Needed}.", nameof(searchSpace));
            }

            if (found is not UniformDoubleOption numeric || numeric.Min < min || numeric.Max > max)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Unsupported search space for the self-tuning tuner: \"self_tuning.{key}\" must be a UniformDoubleOption within [{min}, {max}]; got {found}."), nameof(searchSpace));
            }

            return numeric;
        }

        UniformDoubleOption dropout = Get(SelfTuningTrialRunner.InitialDropoutKey, SelfTuningOptions.MinDropout, SelfTuningOptions.MaxDropout);
        UniformDoubleOption l2 = Get(SelfTuningTrialRunner.InitialL2Key, SelfTuningOptions.MinL2, SelfTuningOptions.MaxL2);
        if (inner.Count != 2)
        {
            throw new ArgumentException($"Unsupported search space for the self-tuning tuner: \"self_tuning\" holds [{string.Join(", ", inner.Keys)}]; {Needed}.", nameof(searchSpace));
        }

        return (dropout, l2);
    }
}
