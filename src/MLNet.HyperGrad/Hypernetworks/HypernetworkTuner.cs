using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>
/// A tuner whose L2 coefficient comes from a best-response hypernetwork (<see cref="HypernetworkSearch"/>) trained once on the
/// experiment's data when the tuner is built; every other option is random search.
/// </summary>
/// <remarks>
/// <para><b>Why a tuner that trains.</b> A hypernetwork replaces many training runs by one: it learns the map from the
/// hyperparameter to trained weights, and the hyperparameter is then chosen by gradient descent through it. The trial runner's
/// job, evaluating one configuration, stays the same; the tuner does its training up front, at construction (the experiment
/// builds it when the run starts, with the cancellation token of the run, as it pre-trains the meta tuner's prior), and the
/// trials then check its choice with the real runner.</para>
/// <para><b>What it tunes.</b> Only hyperparameters that enter the training loss have a best response: here the L2 option
/// (<see cref="HypernetworkTunerOptions.L2Key"/> in <see cref="HypernetworkTunerOptions.SearchSpaceKey"/>, or in the first branch
/// that has it when that key holds a <see cref="ConditionalSearchSpace"/>, whose other branches' proposals are plain random search;
/// a log-scale option, whose range in log space is the hypernetwork's sampling box). The hypernetwork outputs the weights of an MLP
/// (<see cref="HypernetworkTunerOptions.HiddenSizes"/>, by default the space's default width and depth) trained on the penalized
/// cross-entropy ½·λ·‖W‖² (weights, not biases; <see cref="MlpInnerProblem"/>) of the first
/// <see cref="HypernetworkTunerOptions.MaxRows"/> training rows, judged by the validation cross-entropy. Learning rate, momentum,
/// width, depth, batch size and epochs do not enter that loss, so they have no best response: they are random search
/// (<see cref="RandomSearchTuner"/> with the tuner's seed), and a proposal for trial 0 uses the space's defaults. Every proposal carries
/// the hypernetwork's L2. (An experiment runs a new study's trial 0 at the space's defaults without asking the tuner, so in a study the
/// hypernetwork's L2 appears from trial 1 on.) Classification only.</para>
/// <para><b>The tuner contract.</b> <see cref="Propose"/> depends only on the seed and the trial id (parallel and resumed studies
/// are reproducible); <see cref="Update"/> is accepted for every trial, failed ones included, and changes nothing (the choice is
/// made before the first trial). Several workers: pending trials change nothing, concurrent proposals differ in their random-search
/// options (the hypernetwork's L2 is the same for all), and each worker's tuner trains its own hypernetwork (same seed and data:
/// the same L2).</para>
/// </remarks>
public sealed class HypernetworkTuner : ITuner
{
    private readonly SearchSpace searchSpace;
    private readonly RandomSearchTuner random;
    private readonly HypernetworkTunerOptions options;
    private (string Selector, string Name)? branch;

    /// <summary>Creates the tuner: trains the hypernetwork and chooses the L2 coefficient.</summary>
    /// <param name="searchSpace">The experiment's search space; it must hold the L2 option named by the options.</param>
    /// <param name="train">The classification training data.</param>
    /// <param name="validation">The validation data, same features.</param>
    /// <param name="seed">The seed of the hypernetwork, its λ draws and the random search.</param>
    /// <param name="tunerOptions">Settings; defaults if null.</param>
    /// <param name="cancellationToken">Stops the hypernetwork's training.</param>
    /// <exception cref="ArgumentException">The options are invalid, the space has no log-scale L2 option where the options say, or the data is not classification.</exception>
    /// <exception cref="HyperGradException">The hypernetwork's training diverged.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public HypernetworkTuner(SearchSpace searchSpace, TabularDataset train, TabularDataset validation, int seed = 0, HypernetworkTunerOptions? tunerOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        options = tunerOptions ?? new HypernetworkTunerOptions();
        options.Validate();
        if (train.Task != TaskKind.Classification || validation.Task != TaskKind.Classification || train.FeatureCount != validation.FeatureCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The hypernetwork tuner trains a classifier: train and validation must be classification data with the same features; got {train.Task} ({train.FeatureCount} features) and {validation.Task} ({validation.FeatureCount} features)."), nameof(train));
        }

        this.searchSpace = searchSpace;
        random = new RandomSearchTuner(searchSpace, seed);
        SearchSpace holder = Holder(searchSpace);
        ContinuousScale scale = L2Scale(holder);
        var range = new HyperparameterRange(MlpInnerProblem.L2Name, Math.Log(scale.Min), Math.Log(scale.Max));
        IReadOnlyList<int> hidden = options.HiddenSizes ?? DefaultHidden(holder);
        int classes = Math.Max(2, Math.Max(train.ClassCount, validation.ClassCount));
        var mlp = new Mlp([train.FeatureCount, .. hidden, classes], options.Activation);
        Standardizer? standardizer = options.Standardize ? Standardizer.Fit(train) : null;
        TabularDataset trainRows = First(standardizer?.Transform(train) ?? train, options.MaxRows);
        TabularDataset validationRows = First(standardizer?.Transform(validation) ?? validation, options.MaxRows);
        using var problem = new MlpInnerProblem(mlp, trainRows, validationRows, options.BatchSize, (ulong)seed);
        HyperparameterSet start = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, mlp.LayerCount), Math.Exp(range.Center));
        using var network = new BestResponseHypernetwork(problem, start, [range], options.HypernetworkUnits, (ulong)seed);
        Result = HypernetworkSearch.Run(network, network.LambdaOf(start), options.Search with { Seed = seed }, cancellationToken);
        double mean = Result.Lambda.Average();
        L2 = Math.Clamp(Math.Exp(mean), scale.Min, scale.Max);
    }

    /// <summary>Gets the hypernetwork search's result: the chosen log-L2 per layer, its trajectory and the predicted validation-loss curves.</summary>
    public HypernetworkSearchResult Result { get; }

    /// <summary>Gets the L2 coefficient every proposal carries: e to the mean of the chosen log-L2 over the layers, clamped to the option's range.</summary>
    public double L2 { get; }

    /// <inheritdoc />
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Parameter proposal = settings.TrialId == 0 ? searchSpace.SampleFromFeatureSpace(searchSpace.Default) : random.Propose(settings);
        Parameter holder = options.SearchSpaceKey is null ? proposal : proposal[options.SearchSpaceKey];
        if (branch is (string selector, string name))
        {
            if (holder[selector].AsType<string>() != name)
            {
                return proposal;
            }

            holder = holder[name];
        }

        holder[options.L2Key] = Parameter.FromDouble(L2);
        return proposal;
    }

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        random.Update(result);
    }

    private SearchSpace Holder(SearchSpace space)
    {
        if (options.SearchSpaceKey is null)
        {
            return space;
        }

        OptionBase? option = space.ContainsKey(options.SearchSpaceKey) ? space[options.SearchSpaceKey] : null;
        if (option is SearchSpace nested)
        {
            return nested;
        }

        if (option is ConditionalSearchSpace conditional)
        {
            // A choice of trainers: the L2 belongs to the first branch that has it; proposals of other branches carry none.
            foreach (string name in conditional.BranchNames)
            {
                if (conditional.Branches[name].ContainsKey(options.L2Key))
                {
                    branch = (conditional.SelectorKey, name);
                    return conditional.Branches[name];
                }
            }

            throw new ArgumentException($"The hypernetwork tuner looks for its L2 option \"{options.L2Key}\" in a branch of \"{options.SearchSpaceKey}\"; no branch of [{string.Join(", ", conditional.BranchNames)}] has it.", nameof(space));
        }

        throw new ArgumentException($"The hypernetwork tuner looks for its L2 option in the nested search space \"{options.SearchSpaceKey}\"; the experiment's space has keys [{string.Join(", ", space.Keys)}]{(option is null ? string.Empty : " and that key is not a nested space")}.", nameof(space));
    }

    private ContinuousScale L2Scale(SearchSpace holder)
    {
        OptionBase? option = holder.ContainsKey(options.L2Key) ? holder[options.L2Key] : null;
        (double min, double max, bool log) = option switch
        {
            UniformDoubleOption d => (d.Min, d.Max, d.LogBase),
            UniformSingleOption s => (s.Min, s.Max, s.LogBase),
            _ => (double.NaN, double.NaN, false),
        };
        if (!log || !(min > 0))
        {
            throw new ArgumentException($"The hypernetwork tuner needs a log-scale continuous option \"{options.L2Key}\"{(options.SearchSpaceKey is null ? string.Empty : $" in \"{options.SearchSpaceKey}\"")} (the L2 coefficient); got {(option is null ? "no such option" : option.ToString())}. Its keys: [{string.Join(", ", holder.Keys)}].", nameof(holder));
        }

        return new ContinuousScale(min, max, log);
    }

    private static IReadOnlyList<int> DefaultHidden(SearchSpace holder)
    {
        int? Default(string key) => holder.ContainsKey(key) && holder[key] is OptionBase o ? o.SampleFromFeatureSpace(o.Default).AsType<int>() : null;
        int? width = Default("hidden_width");
        int? depth = Default("depth");
        return width is int w && w >= 1 ? [.. Enumerable.Repeat(w, Math.Max(1, depth ?? 1))] : [];
    }

    private static TabularDataset First(TabularDataset set, int rows) => set.Rows <= rows ? set : set.Subset([.. Enumerable.Range(0, rows)]);
}
