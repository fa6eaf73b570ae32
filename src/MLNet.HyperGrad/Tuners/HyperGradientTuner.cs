using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tuners;

/// <summary>
/// Tunes continuous hyperparameter tensors by gradient descent on the validation loss: each trial's
/// <see cref="HypergradientTrialResult"/> carries the hypergradient, and the next proposal is one outer step (Adam,
/// <see cref="HyperparameterAdam"/>, or HOAG's step rule, <see cref="AdaptiveStepOuterOptimizer"/>, chosen by
/// <see cref="HyperGradientTunerOptions.OuterOptimizer"/>; in log or logit space, bounds respected) from the trial's point.
/// </summary>
/// <remarks>
/// <para><b>Which options follow the gradient.</b> The <see cref="UniformDoubleArrayOption"/>, <see cref="UniformDoubleOption"/>
/// and <see cref="UniformSingleOption"/> entries of the nested space at <see cref="HyperGradientTunerOptions.GradientKey"/>,
/// matched by name to the result's hyperparameters. Everything else in the space (integer and choice options, conditional
/// spaces, other keys) is the discrete part, proposed by a black-box tuner (<see cref="HyperGradientTunerOptions.DiscreteTuner"/>,
/// random search by default) over a search space holding only that part. A space without a gradient part is left whole to the
/// black-box tuner.</para>
/// <para><b>Mixed spaces, in rounds.</b> Round 0 uses the discrete part's defaults (the experiment's first trial runs there);
/// each later round asks the black-box tuner for a discrete choice. A round lasts <see cref="HyperGradientTunerOptions.TrialsPerChoice"/>
/// proposals; the gradient part of its first proposal continues from the best trial seen so far with the same discrete
/// choice (or the defaults), and the outer optimizer starts afresh. When a round ends, the black-box tuner is told the round's
/// best loss as that choice's result (its <c>Update</c>, once per <c>Propose</c>).</para>
/// <para><b>Failures.</b> A failed trial, or one with a non-finite loss, halves the outer step size and the next proposal is a
/// step of a restarted outer optimizer (Adam's moments, or HOAG's L, forgotten) from the last good point, the last trial with a finite hypergradient. Without a good point
/// yet, the next proposal is the best point of the choice, or the start point again. A successful trial without a
/// hypergradient (a plain <see cref="TrialResult"/>, such as one replayed from a study's storage) only counts towards the best
/// point of its choice, from which the tuner resumes when it has no good point of its own.</para>
/// <para><b>Greedy one-step</b> tunes online inside a trial: when a result carries <see cref="HypergradientTrialResult.TunedHyperparameters"/>,
/// the next proposal is exactly those (clipped to the bounds), with no further outer step.</para>
/// <para><b>Several workers (pending trials).</b> The outer optimization is sequential: the first proposal while no other trial
/// is pending is the current point; a proposal made while other proposed trials have not been updated yet (parallel trials,
/// other workers of a shared study) is the current point moved by a seeded Gaussian step (standard deviation 0.05 in each
/// gradient option's unit cube, so log options move in the logarithm; seeded by the seed and the trial id), so concurrent
/// proposals differ and explore around the current point. Their results enter as any result does: a result with a
/// hypergradient takes an outer step from its own point; results arriving out of order are accepted. A tuner rebuilt from
/// storage (every finished trial replayed through <c>Update</c>, plain results without hypergradients) resumes from the best
/// point of the current choice. The discrete part (a round's choice) is shared by the concurrent proposals of a round.</para>
/// <para><b>The tuner contract, where it differs.</b> Two tuners with the same seed fed the same
/// results propose the same points, but a proposal depends on every earlier result, not only on the seed and the trial id.</para>
/// </remarks>
public sealed class HyperGradientTuner : ITuner
{
    /// <summary>The standard deviation, in each gradient option's unit cube, of the step a proposal made while other trials are pending takes from the current point.</summary>
    private const double PendingJitter = 0.05;

    private readonly HyperGradientTunerOptions options;
    private readonly SortedDictionary<string, OptionBase> gradientOptions = new(StringComparer.Ordinal);
    private readonly SearchSpace? discreteSpace;
    private readonly ITuner? blackBox;
    private readonly Dictionary<string, (double Loss, Dictionary<string, double[]> Point)> bestByChoice = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double[]> defaults = new(StringComparer.Ordinal);
    private Parameter? choice;
    private string? choiceKey;
    private int round;
    private int trialsInRound;
    private double roundBest = double.PositiveInfinity;
    private Dictionary<string, double[]> next;
    private (HyperparameterSet Set, HypergradientResult Result)? lastGood;
    private IOuterOptimizer? optimizer;
    private readonly int seed;
    private readonly Dictionary<int, string> pending = [];

    /// <summary>Creates the tuner.</summary>
    /// <param name="searchSpace">The experiment's search space.</param>
    /// <param name="seed">The seed of the black-box tuner.</param>
    /// <param name="tunerOptions">Settings; defaults if null.</param>
    /// <exception cref="ArgumentException">The options are invalid, or the gradient key holds something other than a nested search space.</exception>
    public HyperGradientTuner(SearchSpace searchSpace, int seed = 0, HyperGradientTunerOptions? tunerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        options = tunerOptions ?? new HyperGradientTunerOptions();
        options.Validate();
        this.seed = seed;
        var discrete = new SearchSpace();
        foreach (string key in searchSpace.Keys)
        {
            if (key != options.GradientKey)
            {
                discrete[key] = searchSpace[key];
                continue;
            }

            if (searchSpace[key] is not SearchSpace nested)
            {
                throw new ArgumentException($"The gradient key \"{key}\" must hold a nested search space of continuous options; it holds {searchSpace[key]}.", nameof(searchSpace));
            }

            var discreteNested = new SearchSpace();
            foreach (string name in nested.Keys)
            {
                OptionBase option = nested[name];
                if (option is UniformDoubleArrayOption or UniformDoubleOption or UniformSingleOption)
                {
                    gradientOptions[name] = option;
                    defaults[name] = Read(option, option.SampleFromFeatureSpace(option.Default));
                }
                else
                {
                    discreteNested[name] = option;
                }
            }

            if (discreteNested.Count > 0)
            {
                discrete[key] = discreteNested;
            }
        }

        discreteSpace = discrete.Count > 0 ? discrete : null;
        if (discreteSpace is not null)
        {
            blackBox = options.DiscreteTuner?.Invoke(discreteSpace, seed) ?? new RandomSearchTuner(discreteSpace, seed);
        }

        next = Copy(defaults);
        if (discreteSpace is not null && gradientOptions.Count > 0)
        {
            choice = discreteSpace.SampleFromFeatureSpace(discreteSpace.Default);
            choiceKey = choice.ToString();
        }
    }

    /// <summary>Gets the names of the options tuned by gradient (inside <see cref="HyperGradientTunerOptions.GradientKey"/>), in ordinal order.</summary>
    public IReadOnlyList<string> GradientNames => [.. gradientOptions.Keys];

    /// <summary>Gets the current outer step size (Adam's step, or the first step length of HOAG's rule): <see cref="HyperGradientTunerOptions.OuterLearningRate"/>, halved at every failure since the round began.</summary>
    public double OuterStepSize { get; private set; } = double.NaN;

    /// <inheritdoc />
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (gradientOptions.Count == 0)
        {
            return blackBox!.Propose(settings);
        }

        if (discreteSpace is not null && trialsInRound >= options.TrialsPerChoice)
        {
            StartRound();
        }

        trialsInRound++;
        bool othersPending = pending.Count > 0;
        Parameter proposal = Compose(choice, othersPending ? Jitter(next, settings.TrialId) : next);
        pending[settings.TrialId] = proposal.ToString();
        return proposal;
    }

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (gradientOptions.Count == 0)
        {
            blackBox!.Update(result);
            return;
        }

        // A result settles its own proposal: by trial id, or, for a caller that reports another id, by the same parameters.
        if (!pending.Remove(result.TrialSettings.TrialId))
        {
            string text = result.TrialSettings.Parameter.ToString();
            foreach ((int id, string proposed) in pending)
            {
                if (proposed == text)
                {
                    pending.Remove(id);
                    break;
                }
            }
        }

        Parameter parameter = result.TrialSettings.Parameter;
        string? key = DiscreteKey(parameter);
        bool good = !result.IsFailed && double.IsFinite(result.Loss) && result.Loss < double.MaxValue;
        if (good && key is not null && ReadPoint(parameter) is { } point
            && (!bestByChoice.TryGetValue(key, out var best) || result.Loss < best.Loss))
        {
            bestByChoice[key] = (result.Loss, point);
        }

        if (key is null || (discreteSpace is not null && key != choiceKey))
        {
            return;
        }

        if (good)
        {
            roundBest = Math.Min(roundBest, result.Loss);
        }

        if (good && result is HypergradientTrialResult { Hyperparameters: { } set } h && Gradient(h, set) is not null)
        {
            if (h.TunedHyperparameters is { } tuned)
            {
                next = Clamp(Point(tuned));
                return;
            }

            var computed = new HypergradientResult(result.Loss, set.Definitions.ToDictionary(d => d.Name, d => h.Hypergradient[d.Name], StringComparer.Ordinal), h.Cost);
            lastGood = (set, computed);
            next = Clamp(Point(Optimizer(set).Step(set, computed)));
            return;
        }

        if (!good && lastGood is { } g)
        {
            OuterStepSize /= 2;
            optimizer = null;
            next = Clamp(Point(Optimizer(g.Set).Step(g.Set, g.Result)));
            return;
        }

        if (lastGood is null)
        {
            next = bestByChoice.TryGetValue(key, out var known) ? Copy(known.Point) : Copy(next);
        }
    }

    private void StartRound()
    {
        blackBox!.Update(new TrialResult
        {
            TrialSettings = new TrialSettings { TrialId = round, Parameter = choice! },
            Loss = double.IsFinite(roundBest) ? roundBest : double.MaxValue,
            Metric = double.IsFinite(roundBest) ? -roundBest : double.NaN,
        });
        round++;
        choice = blackBox.Propose(new TrialSettings { TrialId = round });
        choiceKey = DiscreteKey(choice) ?? choice.ToString();
        next = bestByChoice.TryGetValue(choiceKey, out var best) ? Copy(best.Point) : Copy(defaults);
        trialsInRound = 0;
        roundBest = double.PositiveInfinity;
        lastGood = null;
        optimizer = null;
        OuterStepSize = double.NaN;
    }

    /// <summary>The outer optimizer of the current round, created at its first step with the options' bounds.</summary>
    private IOuterOptimizer Optimizer(HyperparameterSet set)
    {
        if (optimizer is not null)
        {
            return optimizer;
        }

        if (double.IsNaN(OuterStepSize))
        {
            OuterStepSize = options.OuterLearningRate;
        }

        HyperparameterAdam? adam = options.OuterOptimizer == OuterOptimizerKind.Adam ? new HyperparameterAdam(OuterStepSize) : null;
        AdaptiveStepOuterOptimizer? adaptive = adam is null ? new AdaptiveStepOuterOptimizer(OuterStepSize) : null;
        foreach (Hyperparameter d in set.Definitions)
        {
            if (gradientOptions.TryGetValue(d.Name, out OptionBase? option))
            {
                (double min, double max) = Bounds(option);
                (double lo, double hi) = d.Transform switch
                {
                    HyperparameterTransform.Log => (Math.Max(min, 1e-300), Math.Max(max, 1e-300)),
                    HyperparameterTransform.Logit => (Math.Clamp(min, 1e-12, 1 - 1e-12), Math.Clamp(max, 1e-12, 1 - 1e-12)),
                    _ => (min, max),
                };
                adam?.Bound(d.Name, lo, hi);
                adaptive?.Bound(d.Name, lo, hi);
            }
        }

        optimizer = (IOuterOptimizer?)adam ?? adaptive!;
        return optimizer;
    }

    /// <summary>The result's gradient in the set's order, or null when one is missing or not finite.</summary>
    private static double[]? Gradient(HypergradientTrialResult result, HyperparameterSet set)
    {
        if (set.Definitions.Any(d => !result.Hypergradient.TryGetValue(d.Name, out double[]? g) || g.Length != d.ElementCount))
        {
            return null;
        }

        double[] flat = result.FlattenHypergradient(set);
        return flat.All(double.IsFinite) ? flat : null;
    }

    /// <summary>The gradient options' values in a set; options the set lacks keep the current values.</summary>
    private Dictionary<string, double[]> Point(HyperparameterSet set)
    {
        Dictionary<string, double[]> point = Copy(next);
        foreach (string name in gradientOptions.Keys)
        {
            if (set.Contains(name) && set.Definition(name).ElementCount == point[name].Length)
            {
                point[name] = set.Values(name);
            }
        }

        return point;
    }

    private Dictionary<string, double[]> Clamp(Dictionary<string, double[]> point)
    {
        foreach ((string name, double[] values) in point)
        {
            (double min, double max) = Bounds(gradientOptions[name]);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Math.Clamp(values[i], min, max);
            }
        }

        return point;
    }

    private static (double Min, double Max) Bounds(OptionBase option) => option switch
    {
        UniformDoubleArrayOption a => (a.Min, a.Max),
        UniformSingleOption s => ((float)s.Min, (float)s.Max),
        UniformNumericOption n => (n.Min, n.Max),
        _ => (double.NegativeInfinity, double.PositiveInfinity),
    };

    /// <summary>The canonical text of a parameter's discrete part ("" without one), or null when it does not fit the discrete space.</summary>
    private string? DiscreteKey(Parameter parameter)
    {
        if (discreteSpace is null)
        {
            return string.Empty;
        }

        try
        {
            return discreteSpace.SampleFromFeatureSpace(discreteSpace.MappingToFeatureSpace(parameter)).ToString();
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The gradient options' values in a parameter, or null when one is missing or does not fit its option.</summary>
    private Dictionary<string, double[]>? ReadPoint(Parameter parameter)
    {
        try
        {
            Parameter nested = parameter[options.GradientKey];
            var point = new Dictionary<string, double[]>(StringComparer.Ordinal);
            foreach ((string name, OptionBase option) in gradientOptions)
            {
                Parameter value = nested[name];
                option.MappingToFeatureSpace(value);
                point[name] = Read(option, value);
            }

            return point;
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException or InvalidCastException)
        {
            return null;
        }
    }

    private static double[] Read(OptionBase option, Parameter value) =>
        option is UniformDoubleArrayOption ? value.AsDoubleArray() : [value.AsType<double>()];

    private Parameter Compose(Parameter? discrete, Dictionary<string, double[]> point)
    {
        Parameter gradientPart = Parameter.CreateNestedParameter();
        foreach ((string name, OptionBase option) in gradientOptions)
        {
            double[] values = point[name];
            gradientPart[name] = option switch
            {
                UniformDoubleArrayOption => Parameter.FromDoubleArray(values),
                UniformSingleOption => Parameter.FromFloat((float)values[0]),
                _ => Parameter.FromDouble(values[0]),
            };
        }

        return Parameter.Merge(discrete, Parameter.CreateNestedParameter((options.GradientKey, gradientPart)));
    }

    /// <summary>
    /// The point moved by a seeded Gaussian step (standard deviation <see cref="PendingJitter"/> in each option's unit cube,
    /// so log options move in the logarithm), clamped to the cube: a parallel proposal explores around the current point
    /// instead of repeating it. Seeded by the tuner's seed and the trial id.
    /// </summary>
    private Dictionary<string, double[]> Jitter(Dictionary<string, double[]> point, int trialId)
    {
        var random = new Random(SeedMixer.Mix(seed, trialId));
        var moved = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach ((string name, OptionBase option) in gradientOptions)
        {
            Parameter value = Compose(null, new Dictionary<string, double[]>(point, StringComparer.Ordinal))[options.GradientKey][name];
            double[] unit = option.MappingToFeatureSpace(value);
            for (int i = 0; i < unit.Length; i++)
            {
                double u1 = 1.0 - random.NextDouble();
                double normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * random.NextDouble());
                unit[i] = Math.Clamp(unit[i] + (PendingJitter * normal), 0.0, 1.0);
            }

            moved[name] = Read(option, option.SampleFromFeatureSpace(unit));
        }

        return Clamp(moved);
    }

    private static Dictionary<string, double[]> Copy(Dictionary<string, double[]> point) =>
        point.ToDictionary(kv => kv.Key, kv => (double[])kv.Value.Clone(), StringComparer.Ordinal);
}
