using System.Globalization;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>Settings of <see cref="HypergradientTrialRunner"/>: the inner training run, which hyperparameters are tensors tuned by gradient, and the method.</summary>
/// <remarks>
/// The hyperparameters (see <see cref="CreateSearchSpace"/>): <c>learning_rate</c> (log space) and <c>momentum</c>
/// (logit space), each a schedule of <see cref="LearningRateEntries"/> / <see cref="MomentumEntries"/> entries over
/// the <see cref="Steps"/> inner steps; an L2 coefficient per layer or per weight (<see cref="L2"/>, log space); an
/// init scale per layer (<see cref="TuneInitScale"/>, log space). Validated once by <see cref="Validate"/>, which
/// reports every failure together.
/// </remarks>
public sealed record HypergradientTrialRunnerOptions
{
    /// <summary>The smallest learning rate a tuner may propose.</summary>
    public const double MinLearningRate = 1e-4;

    /// <summary>The largest learning rate a tuner may propose.</summary>
    public const double MaxLearningRate = 2;

    /// <summary>The smallest momentum a tuner may propose.</summary>
    public const double MinMomentum = 0.01;

    /// <summary>The largest momentum a tuner may propose.</summary>
    public const double MaxMomentum = 0.99;

    /// <summary>The smallest L2 coefficient a tuner may propose.</summary>
    public const double MinL2 = 1e-8;

    /// <summary>The largest L2 coefficient a tuner may propose.</summary>
    public const double MaxL2 = 1;

    /// <summary>The smallest init scale a tuner may propose.</summary>
    public const double MinInitScale = 0.05;

    /// <summary>The largest init scale a tuner may propose.</summary>
    public const double MaxInitScale = 5;

    /// <summary>Gets the hypergradient method.</summary>
    /// <value>The default is <see cref="HypergradientMethodKind.Checkpointed"/> (exact, any magnitude of weights).</value>
    public HypergradientMethodKind Method { get; init; } = HypergradientMethodKind.Checkpointed;

    /// <summary>Gets the hidden layer widths of the MLP (ReLU), input and output sizes coming from the data.</summary>
    /// <value>The default is one hidden layer of 50.</value>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [50];

    /// <summary>
    /// Gets hidden widths for a black-box tuner to choose among (an integer option the gradient cannot tune): when not
    /// empty, the space gains a <c>hidden_width</c> choice that sets every hidden layer's width. Not allowed with
    /// <see cref="L2Granularity.PerWeight"/>, whose shapes depend on the width.
    /// </summary>
    /// <value>The default is empty (the widths are <see cref="HiddenLayers"/>).</value>
    public IReadOnlyList<int> HiddenWidthChoices { get; init; } = [];

    /// <summary>Gets the inner SGD-with-momentum steps T of one trial.</summary>
    /// <value>The default is 100.</value>
    public int Steps { get; init; } = 100;

    /// <summary>Gets the training rows per inner step (step t takes rows t·B … t·B + B − 1, wrapping).</summary>
    /// <value>The default is 200.</value>
    public int BatchSize { get; init; } = 200;

    /// <summary>Gets the entries of the learning-rate schedule (step t uses entry ⌊t·K / T⌋); 0 for one per step.</summary>
    /// <value>The default is 0 (one learning rate per step).</value>
    public int LearningRateEntries { get; init; }

    /// <summary>Gets the entries of the momentum schedule; 0 for one per step.</summary>
    /// <value>The default is 0 (one momentum per step).</value>
    public int MomentumEntries { get; init; }

    /// <summary>Gets how finely the L2 penalty is tuned.</summary>
    /// <value>The default is <see cref="L2Granularity.PerLayer"/>.</value>
    public L2Granularity L2 { get; init; } = L2Granularity.PerLayer;

    /// <summary>Gets a value indicating whether each layer's init scale is a hyperparameter.</summary>
    /// <value>The default is true.</value>
    public bool TuneInitScale { get; init; } = true;

    /// <summary>Gets the learning rate of every schedule entry at the start.</summary>
    /// <value>The default is 0.1.</value>
    public double InitialLearningRate { get; init; } = 0.1;

    /// <summary>Gets the momentum of every schedule entry at the start.</summary>
    /// <value>The default is 0.9.</value>
    public double InitialMomentum { get; init; } = 0.9;

    /// <summary>Gets the L2 coefficient of every element at the start.</summary>
    /// <value>The default is 1e-4.</value>
    public double InitialL2 { get; init; } = 1e-4;

    /// <summary>Gets the init scale of every layer at the start.</summary>
    /// <value>The default is 1.</value>
    public double InitialInitScale { get; init; } = 1;

    /// <summary>Gets the seed of the initial weights, the same in every trial, so that successive outer steps differ only by the hyperparameters.</summary>
    /// <value>The default is 0.</value>
    public ulong WeightSeed { get; init; }

    /// <summary>Gets a value indicating whether features are standardized with statistics of the training data.</summary>
    /// <value>The default is false (Fashion-MNIST pixels in [0, 1] are used as they are).</value>
    public bool Standardize { get; init; }

    /// <summary>Gets β, the online step of <see cref="HypergradientMethodKind.Greedy"/> (u ← u − β·one-step hypergradient, unconstrained units); its one-step outer loss is a validation minibatch of the batch size, as in Luketina et al. 2016.</summary>
    /// <value>The default is 0.05.</value>
    public double GreedyOuterLearningRate { get; init; } = 0.05;

    /// <summary>Gets k, the inner steps between two differentiated (and updating) steps of <see cref="HypergradientMethodKind.Greedy"/> (<see cref="GreedyOneStep.UpdateInterval"/>; the other steps are plain SGD-momentum steps), as Luketina et al. 2016 do to bring the tuned run's cost towards an untuned one's.</summary>
    /// <value>The default is 3: measured on Fashion-MNIST (MLP 784-100-10 ReLU, T = 1,000, per-layer L2 from 1e-5, 1e-3 and 0.1, normalized step β 0.1),
    /// the runs still end in one region (end-L2 spread 2.8 / 1.4 against every step's 2.9 / 2.4, worst tuned validation CE 0.473 against 0.470) at
    /// about 1.4 plain runs where every step costs about 2 (bench/RESULTS.md, H36). With <see cref="GreedyOuterStep"/> <see cref="GreedyOuterStep.Adam"/>,
    /// a larger k wants a larger <see cref="GreedyOuterLearningRate"/> (fewer updates of about β each).</value>
    public int GreedyUpdateInterval { get; init; } = 3;

    /// <summary>Gets the fraction of the run, from its start, in which <see cref="HypergradientMethodKind.Greedy"/> differentiates every step before widening to <see cref="GreedyUpdateInterval"/> (<see cref="GreedyOneStep.EveryStepFraction"/>): the early steps move the hyperparameters most.</summary>
    /// <value>The default is 0 (the interval from the first step).</value>
    public double GreedyEveryStepFraction { get; init; }

    /// <summary>Gets the validation rows of each differentiated step of <see cref="HypergradientMethodKind.Greedy"/> (<see cref="MlpInnerProblem.ValidationBatchSize"/>); null for <see cref="BatchSize"/>.</summary>
    /// <value>The default is null (a validation minibatch of the batch size, as in Luketina et al. 2016).</value>
    public int? GreedyValidationBatchSize { get; init; }

    /// <summary>Gets how <see cref="HypergradientMethodKind.Greedy"/> turns each one-step hypergradient into an update: a plain gradient step of <see cref="GreedyOuterLearningRate"/>, or a normalized (Adam) step of about that size in unconstrained units, which moves small and large L2 coefficients alike.</summary>
    /// <value>The default is <see cref="GreedyOuterStep.Gradient"/>.</value>
    public GreedyOuterStep GreedyOuterStep { get; init; } = GreedyOuterStep.Gradient;

    /// <summary>Gets the steps between checkpoints of <see cref="HypergradientMethodKind.Checkpointed"/>; 0 for ⌈√T⌉.</summary>
    /// <value>The default is 0.</value>
    public int CheckpointInterval { get; init; }

    /// <summary>Gets the libtorch threads each trial uses (set process-wide when a trial starts).</summary>
    /// <value>The default is the number of cores.</value>
    public int ThreadsPerTrial { get; init; } = Environment.ProcessorCount;

    /// <summary>Gets the clock of the methods' cost figures.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks the options, reporting every failure together.</summary>
    /// <exception cref="ArgumentException">A failure; the message lists all of them.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Check(Enum.IsDefined(Method), $"Method {(int)Method} is not a known hypergradient method.");
        Check(Enum.IsDefined(L2), $"L2 {(int)L2} is not a known granularity.");
        Check(HiddenLayers is not null && HiddenLayers.All(w => w >= 1), $"HiddenLayers must be widths of at least 1; got [{string.Join(", ", HiddenLayers ?? [])}].");
        Check(HiddenWidthChoices is not null && HiddenWidthChoices.All(w => w >= 1) && HiddenWidthChoices.Distinct().Count() == HiddenWidthChoices.Count, $"HiddenWidthChoices must be distinct widths of at least 1; got [{string.Join(", ", HiddenWidthChoices ?? [])}].");
        Check(HiddenWidthChoices is not { Count: > 0 } || HiddenLayers is { Count: > 0 }, "HiddenWidthChoices needs at least one hidden layer in HiddenLayers (their number is kept, their width chosen).");
        Check(HiddenWidthChoices is not { Count: > 0 } || L2 != L2Granularity.PerWeight, "HiddenWidthChoices cannot be used with L2 = PerWeight: the per-weight shapes depend on the width.");
        Check(Steps >= 1, $"Steps must be at least 1; got {Steps}.");
        Check(BatchSize >= 1, $"BatchSize must be at least 1; got {BatchSize}.");
        Check(LearningRateEntries >= 0 && LearningRateEntries <= Steps, $"LearningRateEntries must be in 0 … Steps ({Steps}); got {LearningRateEntries}.");
        Check(MomentumEntries >= 0 && MomentumEntries <= Steps, $"MomentumEntries must be in 0 … Steps ({Steps}); got {MomentumEntries}.");
        Check(InitialLearningRate is >= MinLearningRate and <= MaxLearningRate, Range("InitialLearningRate", InitialLearningRate, MinLearningRate, MaxLearningRate));
        Check(InitialMomentum is >= MinMomentum and <= MaxMomentum, Range("InitialMomentum", InitialMomentum, MinMomentum, MaxMomentum));
        Check(InitialL2 is >= MinL2 and <= MaxL2, Range("InitialL2", InitialL2, MinL2, MaxL2));
        Check(InitialInitScale is >= MinInitScale and <= MaxInitScale, Range("InitialInitScale", InitialInitScale, MinInitScale, MaxInitScale));
        Check(GreedyOuterLearningRate >= 0 && double.IsFinite(GreedyOuterLearningRate), $"GreedyOuterLearningRate must be finite and at least 0; got {GreedyOuterLearningRate}.");
        Check(GreedyUpdateInterval >= 1, $"GreedyUpdateInterval must be at least 1; got {GreedyUpdateInterval}.");
        Check(GreedyEveryStepFraction is >= 0 and <= 1, $"GreedyEveryStepFraction must be in [0, 1]; got {GreedyEveryStepFraction}.");
        Check(GreedyValidationBatchSize is null or >= 1, $"GreedyValidationBatchSize must be null or at least 1; got {GreedyValidationBatchSize}.");
        Check(Enum.IsDefined(GreedyOuterStep), $"GreedyOuterStep {(int)GreedyOuterStep} is not a known greedy outer step.");
        Check(CheckpointInterval >= 0, $"CheckpointInterval must be at least 0; got {CheckpointInterval}.");
        Check(ThreadsPerTrial >= 1, $"ThreadsPerTrial must be at least 1; got {ThreadsPerTrial}.");
        Check(TimeProvider is not null, "TimeProvider must not be null.");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid hypergradient runner options: " + string.Join(" ", errors));
        }
    }

    /// <summary>
    /// The search space of one trial's hyperparameters, to add under <see cref="HypergradientTrialRunner.SearchSpaceKey"/>:
    /// one <see cref="UniformDoubleArrayOption"/> per hyperparameter tensor (bounds are the Min/Max constants of
    /// this class, defaults the Initial values), and a <c>hidden_width</c> choice when <see cref="HiddenWidthChoices"/> is set.
    /// </summary>
    /// <param name="featureCount">The input features (per-weight L2 shapes need it), at least 1.</param>
    /// <param name="classCount">The classes (per-weight L2 shapes need it), at least 2.</param>
    /// <returns>A new search space.</returns>
    /// <exception cref="ArgumentException">The options are invalid, or a count is out of range.</exception>
    public SearchSpace CreateSearchSpace(int featureCount, int classCount)
    {
        Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        var space = new SearchSpace();
        foreach (Hyperparameter d in Definitions(LayerSizes(featureCount, classCount, null)))
        {
            (double min, double max, double initial) = d.Name switch
            {
                "learning_rate" => (MinLearningRate, MaxLearningRate, InitialLearningRate),
                "momentum" => (MinMomentum, MaxMomentum, InitialMomentum),
                MlpInnerProblem.InitScaleName => (MinInitScale, MaxInitScale, InitialInitScale),
                _ => (MinL2, MaxL2, InitialL2),
            };
            space[d.Name] = new UniformDoubleArrayOption(d.ElementCount, min, max, logBase: true, defaultValue: initial);
        }

        if (HiddenWidthChoices.Count > 0)
        {
            int defaultWidth = HiddenWidthChoices.Contains(HiddenLayers[0]) ? HiddenLayers[0] : HiddenWidthChoices[0];
            space[HypergradientTrialRunner.HiddenWidthKey] = new ChoiceOption([.. HiddenWidthChoices.Cast<object>()], defaultWidth);
        }

        return space;
    }

    /// <summary>The MLP's layer sizes, input to output.</summary>
    /// <param name="featureCount">The input features.</param>
    /// <param name="classCount">The classes.</param>
    /// <param name="hiddenWidth">The width of every hidden layer chosen by the trial, or null for <see cref="HiddenLayers"/>.</param>
    /// <returns>The sizes.</returns>
    internal int[] LayerSizes(int featureCount, int classCount, int? hiddenWidth) =>
        [featureCount, .. hiddenWidth is int w ? Enumerable.Repeat(w, HiddenLayers.Count) : HiddenLayers, classCount];

    /// <summary>The hyperparameter definitions of an MLP with these layer sizes, in search-space (ordinal) order.</summary>
    /// <param name="layerSizes">The layer sizes, input to output.</param>
    /// <returns>The definitions.</returns>
    internal IReadOnlyList<Hyperparameter> Definitions(IReadOnlyList<int> layerSizes)
    {
        int layers = layerSizes.Count - 1;
        var result = new List<Hyperparameter>
        {
            new("learning_rate", HyperparameterTransform.Log, LearningRateEntries == 0 ? Steps : LearningRateEntries),
            new("momentum", HyperparameterTransform.Logit, MomentumEntries == 0 ? Steps : MomentumEntries),
        };
        if (L2 == L2Granularity.PerLayer)
        {
            result.Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, layers));
        }
        else if (L2 == L2Granularity.PerWeight)
        {
            for (int l = 0; l < layers; l++)
            {
                result.Add(new Hyperparameter(MlpInnerProblem.PerWeightL2Name(l), HyperparameterTransform.Log, layerSizes[l + 1], layerSizes[l]));
            }
        }

        if (TuneInitScale)
        {
            result.Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, layers));
        }

        return [.. result.OrderBy(d => d.Name, StringComparer.Ordinal)];
    }

    /// <summary>The method these options select, for one trial.</summary>
    /// <returns>A new method instance.</returns>
    internal IHypergradientMethod CreateMethod()
    {
        var reverse = new ReverseModeOptions { Steps = Steps, TimeProvider = TimeProvider };
        return Method switch
        {
            HypergradientMethodKind.ExactReversal => new ExactReversalReverseMode(reverse),
            HypergradientMethodKind.Checkpointed => new CheckpointedReverseMode(reverse, CheckpointInterval),
            HypergradientMethodKind.DrMad => new DrMad(reverse),
            HypergradientMethodKind.Implicit => new ImplicitDifferentiation(new ImplicitDifferentiationOptions { TimeProvider = TimeProvider }),
            HypergradientMethodKind.ImplicitNeumann => new ImplicitDifferentiation(new ImplicitDifferentiationOptions { Solver = ImplicitSolver.Neumann, TimeProvider = TimeProvider }),
            HypergradientMethodKind.Greedy => new GreedyOneStep(reverse, GreedyOuterLearningRate, validationMinibatches: true, updateInterval: GreedyUpdateInterval, outerStep: GreedyOuterStep, everyStepFraction: GreedyEveryStepFraction),
            _ => throw new ArgumentOutOfRangeException(nameof(Method), Method, "Unknown hypergradient method."),
        };
    }

    private static string Range(string name, double value, double min, double max) =>
        string.Create(CultureInfo.InvariantCulture, $"{name} must be in [{min}, {max}]; got {value}.");
}
