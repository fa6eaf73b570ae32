using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Estimators;

/// <summary>
/// The ready <see cref="TunableTrainer"/>s: ML.NET's own trainers with ML.NET AutoML's default search spaces
/// (LightGBM, FastTree, FastForest, SDCA, L-BFGS), built per task as AutoML's sweepable estimators build them,
/// and our own MLP (<see cref="HyperGradMlpTrainer"/>) over <see cref="MlpHyperparameters"/>'s space.
/// </summary>
/// <remarks>
/// <para>Multiclass FastTree and FastForest are one-versus-all over the binary trainer, as in AutoML. L-BFGS is
/// logistic regression for binary, maximum entropy for multiclass and Poisson regression (non-negative targets)
/// for regression; SDCA is logistic regression, maximum entropy and SDCA regression.</para>
/// <para>SDCA trains on one thread: with several, its result depends on thread timing, and a study must give
/// the same trials for the same seed. The others use ML.NET's default threading.</para>
/// </remarks>
public static class TunableTrainers
{
    private static readonly PredictionTask[] AllTasks = [PredictionTask.BinaryClassification, PredictionTask.MulticlassClassification, PredictionTask.Regression];

    /// <summary>Gets LightGBM (<see cref="LightGbmHyperparameters"/>), for every task.</summary>
    public static TunableTrainer LightGbm { get; } = new("lightgbm", AllTasks, () => new SearchSpace<LightGbmHyperparameters>(), CreateLightGbm);

    /// <summary>Gets FastTree boosted trees (<see cref="FastTreeHyperparameters"/>), for every task.</summary>
    public static TunableTrainer FastTree { get; } = new("fasttree", AllTasks, () => new SearchSpace<FastTreeHyperparameters>(), CreateFastTree);

    /// <summary>Gets FastForest random forests (<see cref="FastForestHyperparameters"/>), for every task; binary FastForest is not calibrated (no <c>Probability</c>, so no binary log-loss).</summary>
    public static TunableTrainer FastForest { get; } = new("fastforest", AllTasks, () => new SearchSpace<FastForestHyperparameters>(), CreateFastForest);

    /// <summary>Gets SDCA (<see cref="SdcaHyperparameters"/>), for every task.</summary>
    public static TunableTrainer Sdca { get; } = new("sdca", AllTasks, () => new SearchSpace<SdcaHyperparameters>(), CreateSdca);

    /// <summary>Gets L-BFGS (<see cref="LbfgsHyperparameters"/>), for every task.</summary>
    public static TunableTrainer Lbfgs { get; } = new("lbfgs", AllTasks, () => new SearchSpace<LbfgsHyperparameters>(), CreateLbfgs);

    /// <summary>Gets our MLP, <c>HyperGradMlp</c> (<see cref="MlpHyperparameters"/>: <see cref="MlpTrialRunner.CreateSearchSpace"/>'s space, starting cheap at one epoch of batch 256), for every task.</summary>
    /// <remarks>
    /// Its weights and minibatch order are seeded with 0 (ML.NET does not expose a context's seed), so the same
    /// hyperparameters give the same model. Built inside a <see cref="PipelineTrialRunner"/> trial, it is cancelled
    /// with the trial's token. A fitted pipeline that contains it is saved with <see cref="HyperGradModel.Save"/>.
    /// </remarks>
    public static TunableTrainer Mlp { get; } = new("mlp", AllTasks, () => MlpTrialRunner.CreateSearchSpace(), CreateMlp);

    /// <summary>Gets every ready trainer, in the order above (lightgbm, fasttree, fastforest, sdca, lbfgs, mlp).</summary>
    public static IReadOnlyList<TunableTrainer> All { get; } = Array.AsReadOnly([LightGbm, FastTree, FastForest, Sdca, Lbfgs, Mlp]);

    /// <summary>Gets the ready trainers that suit a task.</summary>
    /// <param name="task">The task.</param>
    /// <returns>Those of <see cref="All"/> whose <see cref="TunableTrainer.Supports"/> the task, in order.</returns>
    public static IReadOnlyList<TunableTrainer> For(PredictionTask task) => [.. All.Where(t => t.Supports(task))];

    /// <summary>Finds a ready trainer by name, ignoring case.</summary>
    /// <param name="name">A name such as "lightgbm".</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentException">No ready trainer has that name; the message lists the names.</exception>
    public static TunableTrainer Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(t => string.Equals(t.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"No trainer is named \"{name}\"; the trainers are {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));
    }

    private static IEstimator<ITransformer> CreateLightGbm(MLContext mlContext, PredictionTask task, Parameter parameter, string label, string features)
    {
        var h = parameter.AsType<LightGbmHyperparameters>();
        var booster = new GradientBooster.Options
        {
            SubsampleFraction = h.SubsampleFraction,
            FeatureFraction = h.FeatureFraction,
            L1Regularization = h.L1Regularization,
            L2Regularization = h.L2Regularization,
        };
        return task switch
        {
            PredictionTask.BinaryClassification => mlContext.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                NumberOfLeaves = h.NumberOfLeaves,
                NumberOfIterations = h.NumberOfTrees,
                MinimumExampleCountPerLeaf = h.MinimumExampleCountPerLeaf,
                LearningRate = h.LearningRate,
                MaximumBinCountPerFeature = h.MaximumBinCountPerFeature,
                Booster = booster,
                LabelColumnName = label,
                FeatureColumnName = features,
            }),
            PredictionTask.MulticlassClassification => mlContext.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                NumberOfLeaves = h.NumberOfLeaves,
                NumberOfIterations = h.NumberOfTrees,
                MinimumExampleCountPerLeaf = h.MinimumExampleCountPerLeaf,
                LearningRate = h.LearningRate,
                MaximumBinCountPerFeature = h.MaximumBinCountPerFeature,
                Booster = booster,
                LabelColumnName = label,
                FeatureColumnName = features,
            }),
            _ => mlContext.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                NumberOfLeaves = h.NumberOfLeaves,
                NumberOfIterations = h.NumberOfTrees,
                MinimumExampleCountPerLeaf = h.MinimumExampleCountPerLeaf,
                LearningRate = h.LearningRate,
                MaximumBinCountPerFeature = h.MaximumBinCountPerFeature,
                Booster = booster,
                LabelColumnName = label,
                FeatureColumnName = features,
            }),
        };
    }

    private static IEstimator<ITransformer> CreateFastTree(MLContext mlContext, PredictionTask task, Parameter parameter, string label, string features)
    {
        var h = parameter.AsType<FastTreeHyperparameters>();
        if (task == PredictionTask.Regression)
        {
            return mlContext.Regression.Trainers.FastTree(FastTreeOptions(new FastTreeRegressionTrainer.Options(), h, label, features));
        }

        var binary = mlContext.BinaryClassification.Trainers.FastTree(FastTreeOptions(new FastTreeBinaryTrainer.Options(), h, label, features));
        return task == PredictionTask.BinaryClassification ? binary : mlContext.MulticlassClassification.Trainers.OneVersusAll(binary, labelColumnName: label);
    }

    private static IEstimator<ITransformer> CreateFastForest(MLContext mlContext, PredictionTask task, Parameter parameter, string label, string features)
    {
        var h = parameter.AsType<FastForestHyperparameters>();
        if (task == PredictionTask.Regression)
        {
            return mlContext.Regression.Trainers.FastForest(FastForestOptions(new FastForestRegressionTrainer.Options(), h, label, features));
        }

        var binary = mlContext.BinaryClassification.Trainers.FastForest(FastForestOptions(new FastForestBinaryTrainer.Options(), h, label, features));
        return task == PredictionTask.BinaryClassification ? binary : mlContext.MulticlassClassification.Trainers.OneVersusAll(binary, labelColumnName: label);
    }

    /// <summary>Fills a FastTree trainer's options (regression or binary) from the hyperparameters and the columns.</summary>
    private static TOptions FastTreeOptions<TOptions>(TOptions options, FastTreeHyperparameters h, string label, string features)
        where TOptions : BoostedTreeOptions
    {
        options.NumberOfLeaves = h.NumberOfLeaves;
        options.NumberOfTrees = h.NumberOfTrees;
        options.MinimumExampleCountPerLeaf = h.MinimumExampleCountPerLeaf;
        options.LearningRate = h.LearningRate;
        options.MaximumBinCountPerFeature = h.MaximumBinCountPerFeature;
        options.FeatureFraction = h.FeatureFraction;
        options.LabelColumnName = label;
        options.FeatureColumnName = features;
        return options;
    }

    /// <summary>Fills a FastForest trainer's options (regression or binary) from the hyperparameters and the columns.</summary>
    private static TOptions FastForestOptions<TOptions>(TOptions options, FastForestHyperparameters h, string label, string features)
        where TOptions : FastForestOptionsBase
    {
        options.NumberOfTrees = h.NumberOfTrees;
        options.NumberOfLeaves = h.NumberOfLeaves;
        options.FeatureFraction = h.FeatureFraction;
        options.LabelColumnName = label;
        options.FeatureColumnName = features;
        return options;
    }

    private static IEstimator<ITransformer> CreateSdca(MLContext mlContext, PredictionTask task, Parameter parameter, string label, string features)
    {
        var h = parameter.AsType<SdcaHyperparameters>();
        return task switch
        {
            PredictionTask.BinaryClassification => mlContext.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
            {
                L1Regularization = h.L1Regularization,
                L2Regularization = h.L2Regularization,
                NumberOfThreads = 1,
                LabelColumnName = label,
                FeatureColumnName = features,
            }),
            PredictionTask.MulticlassClassification => mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                L1Regularization = h.L1Regularization,
                L2Regularization = h.L2Regularization,
                NumberOfThreads = 1,
                LabelColumnName = label,
                FeatureColumnName = features,
            }),
            _ => mlContext.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
            {
                L1Regularization = h.L1Regularization,
                L2Regularization = h.L2Regularization,
                NumberOfThreads = 1,
                LabelColumnName = label,
                FeatureColumnName = features,
            }),
        };
    }

    private static IEstimator<ITransformer> CreateLbfgs(MLContext mlContext, PredictionTask task, Parameter parameter, string label, string features)
    {
        var h = parameter.AsType<LbfgsHyperparameters>();
        return task switch
        {
            PredictionTask.BinaryClassification => mlContext.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                L1Regularization = h.L1Regularization,
                L2Regularization = h.L2Regularization,
                LabelColumnName = label,
                FeatureColumnName = features,
            }),
            PredictionTask.MulticlassClassification => mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L1Regularization = h.L1Regularization,
                L2Regularization = h.L2Regularization,
                LabelColumnName = label,
                FeatureColumnName = features,
            }),
            _ => mlContext.Regression.Trainers.LbfgsPoissonRegression(new LbfgsPoissonRegressionTrainer.Options
            {
                L1Regularization = h.L1Regularization,
                L2Regularization = h.L2Regularization,
                LabelColumnName = label,
                FeatureColumnName = features,
            }),
        };
    }

    private static HyperGradMlpTrainer CreateMlp(MLContext mlContext, PredictionTask task, Parameter parameter, string label, string features)
    {
        MlpHyperparameters h = MlpHyperparameters.From(parameter);
        var options = new HyperGradMlpOptions
        {
            LabelColumnName = label,
            FeatureColumnName = features,
            LearningRate = h.LearningRate,
            Momentum = h.Momentum,
            L2 = h.L2,
            HiddenWidth = h.HiddenWidth,
            Depth = h.Depth,
            BatchSize = h.BatchSize,
            Epochs = h.Epochs,
            CancellationToken = TrialCancellation.Current,
        };
        return task switch
        {
            PredictionTask.BinaryClassification => mlContext.BinaryClassification.Trainers.HyperGradMlp(options),
            PredictionTask.MulticlassClassification => mlContext.MulticlassClassification.Trainers.HyperGradMlp(options),
            _ => mlContext.Regression.Trainers.HyperGradMlp(options),
        };
    }
}
