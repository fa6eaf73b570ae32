using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.IO;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Prediction;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Outputs;

/// <summary>
/// Keeps the best model of a tuning run in <c>&lt;output&gt;/model</c>: a monitor that saves each new best trial
/// at once (so an interrupted run still leaves its best model), restores a lost one by training its trial
/// again, and scores the saved model on test data.
/// </summary>
/// <remarks>
/// <para>The model folder is replaced as a unit: written in full under a temporary name, then renamed into
/// place, so a failure or a kill while saving leaves the previous model whole. The model records the trial's
/// hyperparameters, which is how <see cref="HoldsModelOf"/> tells whose model it is.</para>
/// <para>Use it as a monitor of the experiment (<c>experiment.SetMonitor(writer)</c>), then call
/// <see cref="EnsureSavedAsync"/> with the study's best trial when the run ends. It saves
/// <see cref="MlpTrialResult"/>s and <see cref="HypergradientTrialResult"/>s; other results are ignored.</para>
/// </remarks>
public sealed class BestModelWriter : IMonitor
{
    /// <summary>The name of the model folder inside the output folder.</summary>
    public const string ModelFolderName = "model";

    private readonly TabularDataset train;
    private readonly TabularSchema? schema;
    private readonly TimeProvider timeProvider;

    /// <summary>Creates a writer.</summary>
    /// <param name="outputDirectory">The output folder; the model goes to its <c>model</c> sub-folder. It must exist when a model is saved.</param>
    /// <param name="train">The training data: its task, feature names and class names go into the model.</param>
    /// <param name="schema">How CSV rows were encoded into features (saved with the model so it can read raw CSV), or null.</param>
    /// <param name="timeProvider">The clock that dates saved models; the system clock when null.</param>
    /// <exception cref="ArgumentException"><paramref name="outputDirectory"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is null.</exception>
    public BestModelWriter(string outputDirectory, TabularDataset train, TabularSchema? schema = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentNullException.ThrowIfNull(train);
        ModelDirectory = Path.Combine(Path.GetFullPath(outputDirectory), ModelFolderName);
        this.train = train;
        this.schema = schema;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the model folder: <c>&lt;output&gt;/model</c>.</summary>
    public string ModelDirectory { get; }

    /// <summary>Gets a value indicating whether the model folder holds a model that loads.</summary>
    public bool HasModel => SavedMetadata() is not null;

    /// <summary>Saves the trial's model when it carries trained weights.</summary>
    /// <param name="result">The new best trial.</param>
    /// <exception cref="IOException">The model could not be written; the previous model is unchanged.</exception>
    public void ReportBestTrial(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Network(result) is not { } mlp)
        {
            return;
        }

        var model = new TrainedModel(
            train.Task,
            mlp.LayerSizes,
            Activation.Relu,
            [.. mlp.Weights.Select(w => w.Select(x => (float)x).ToArray())],
            train.FeatureNames,
            train.Task == TaskKind.Classification ? train.ClassNames : null,
            schema,
            mlp.Standardizer,
            new TrainedModelMetadata(
                timeProvider.GetUtcNow(),
                result.TrialSettings.Parameter.ToString(),
                double.IsFinite(result.Metric) ? TaskMetric.AsciiName(train.Task) : null,
                double.IsFinite(result.Metric) ? result.Metric : null));
        AtomicFile.ReplaceDirectory(ModelDirectory, model.Save);
    }

    /// <summary>Reports whether the model folder holds the model of a trial (a model that loads, with the trial's hyperparameters).</summary>
    /// <param name="trial">The trial.</param>
    /// <returns><see langword="true"/> when the saved model is the trial's.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trial"/> is null.</exception>
    public bool HoldsModelOf(TrialRecord trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return SavedMetadata()?.HyperparametersJson is { } saved && Parameter.FromJson(saved).Equals(Parameter.FromJson(trial.ParametersJson));
    }

    /// <summary>
    /// Makes sure the model folder holds the best trial's model. A run killed after the trial was stored but
    /// before its model was written, or a deleted model folder, would otherwise lose it: the trial is then
    /// trained again with its stored hyperparameters and seed, which reproduces its weights bit for bit on the
    /// CPU when the thread count per trial is the same as in the original run. A cross-validated study keeps no
    /// fold's model: its best hyperparameters are trained on all the rows <paramref name="createRunner"/>'s runner
    /// is given. Either way the model records the trial's stored metric.
    /// </summary>
    /// <param name="best">The study's best trial (<see cref="TrialRanking.Best"/>), or null when none completed (then nothing is done).</param>
    /// <param name="studySeed">The study's seed, from which the trial's seed derives.</param>
    /// <param name="createRunner">Creates the runner that trains the trial again (disposed afterwards); called only when needed.</param>
    /// <param name="onRetraining">Told before the trial is trained again (to say so), or null.</param>
    /// <param name="cancellationToken">Stops the training; the model folder is then left as it was.</param>
    /// <returns><see langword="true"/> when the trial was trained again and saved; <see langword="false"/> when its model was already there, or there is no best trial.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="createRunner"/> is null.</exception>
    /// <exception cref="HyperGradException">The runner's result carries no weights to save.</exception>
    public async Task<bool> EnsureSavedAsync(TrialRecord? best, int studySeed, Func<ITrialRunner> createRunner, Action<TrialRecord>? onRetraining = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createRunner);
        if (best is null || HoldsModelOf(best))
        {
            return false;
        }

        onRetraining?.Invoke(best);
        using ITrialRunner runner = createRunner();
        var trial = new TrialSettings
        {
            TrialId = best.Number,
            Seed = SeedMixer.Mix(studySeed, best.Number),
            Parameter = Parameter.FromJson(best.ParametersJson),
            StartedAtUtc = timeProvider.GetUtcNow().UtcDateTime,
        };
        TrialResult result = await runner.RunAsync(trial, cancellationToken);
        if (Network(result) is null)
        {
            throw new HyperGradException($"Training trial {best.Number} again gave no weights to save (its metric was {result.Metric}); the model folder {ModelDirectory} is unchanged.");
        }

        // The model records the trial's stored metric (for a cross-validated trial, the mean over its folds), not the score of this training.
        ReportBestTrial(result with { Metric = best.Metric ?? result.Metric });
        return true;
    }

    /// <summary>The trained ReLU network a result carries (an MLP trial's, or a hypergradient trial's), or null.</summary>
    private static (IReadOnlyList<int> LayerSizes, IReadOnlyList<double[]> Weights, Standardizer? Standardizer)? Network(TrialResult result) => result switch
    {
        MlpTrialResult { Weights.Count: > 0 } m => (m.LayerSizes, m.Weights, m.Standardizer),
        HypergradientTrialResult { Weights.Count: > 0 } h => (h.LayerSizes, h.Weights, h.Standardizer),
        Hypernetworks.SelfTuningTrialResult { Weights.Count: > 0 } s => (s.LayerSizes, s.Weights, null),
        _ => null,
    };

    /// <summary>Scores the saved model on test data with the run's metric.</summary>
    /// <param name="test">The test data, encoded like the training data.</param>
    /// <returns>The score, or null when the model folder holds no model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="test"/> is null.</exception>
    /// <exception cref="ArgumentException">The test data does not fit the model (another task or feature count).</exception>
    public TestScore? ScoreOnTest(TabularDataset test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (!HasModel)
        {
            return null;
        }

        using MlpPredictor predictor = MlpPredictor.Load(ModelDirectory);
        IReadOnlyList<MlpPrediction> predictions = predictor.Predict(test);
        double score = test.Task == TaskKind.Classification ? Accuracy(test, predictions) : RSquared(test, predictions);
        return new TestScore(TaskMetric.Name(test.Task), score, test.Rows);
    }

    /// <inheritdoc />
    public void ReportRunningTrial(TrialSettings settings)
    {
    }

    /// <inheritdoc />
    public void ReportCompletedTrial(TrialResult result)
    {
    }

    /// <inheritdoc />
    public void ReportFailTrial(TrialSettings settings, Exception? exception = null)
    {
    }

    private static double Accuracy(TabularDataset test, IReadOnlyList<MlpPrediction> predictions)
    {
        ReadOnlySpan<long> labels = test.Labels;
        int correct = 0;
        for (int i = 0; i < predictions.Count; i++)
        {
            correct += predictions[i].ClassIndex == labels[i] ? 1 : 0;
        }

        return (double)correct / predictions.Count;
    }

    private static double RSquared(TabularDataset test, IReadOnlyList<MlpPrediction> predictions)
    {
        ReadOnlySpan<float> targets = test.Targets;
        double mean = 0;
        foreach (float t in targets)
        {
            mean += t;
        }

        mean /= targets.Length;
        double residual = 0, total = 0;
        for (int i = 0; i < predictions.Count; i++)
        {
            residual += Math.Pow(targets[i] - predictions[i].Value, 2);
            total += Math.Pow(targets[i] - mean, 2);
        }

        return 1 - (residual / total);
    }

    /// <summary>The metadata of the saved model, or null when the folder holds no model that loads.</summary>
    private TrainedModelMetadata? SavedMetadata()
    {
        try
        {
            return TrainedModel.Load(ModelDirectory).Metadata;
        }
        catch (ModelFormatException)
        {
            return null;
        }
    }
}
