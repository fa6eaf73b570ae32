using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Prediction;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tuners;
using Spectre.Console;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// Saves the best model to <c>&lt;output&gt;/model</c> as soon as a trial becomes the best, so that an
/// interrupted run still leaves its best model behind; at the end, scores it on the test data.
/// </summary>
internal sealed class BestModelWriter(string outputDirectory, TuneSettings settings, TuneData data) : IMonitor
{
    public string ModelDirectory { get; } = Path.Combine(outputDirectory, "model");

    public void ReportBestTrial(TrialResult result)
    {
        if (result is not MlpTrialResult { Weights.Count: > 0 } mlp)
        {
            return;
        }

        string metricName = settings.Task == TaskKind.Classification ? "accuracy" : "R2";
        var model = new TrainedModel(
            settings.Task,
            mlp.LayerSizes,
            Activation.Relu,
            mlp.Weights.Select(w => w.Select(x => (float)x).ToArray()).ToArray(),
            data.Train.FeatureNames,
            settings.Task == TaskKind.Classification ? data.Train.ClassNames : null,
            data.Schema,
            mlp.Standardizer,
            new TrainedModelMetadata(
                DateTimeOffset.UtcNow,
                result.TrialSettings.Parameter.ToString(),
                double.IsFinite(result.Metric) ? metricName : null,
                double.IsFinite(result.Metric) ? result.Metric : null));
        model.Save(ModelDirectory);
    }

    /// <summary>
    /// Makes sure <c>model/</c> holds the study's best trial. A run killed after the trial was stored
    /// but before its model was written, or a deleted model folder, would otherwise lose it: the trial
    /// is then trained again with its stored hyperparameters and seed, which reproduces its weights
    /// bit for bit on the CPU when the thread count per trial is the same as in the original run.
    /// </summary>
    public async Task EnsureBestSavedAsync(TrialRecord? best, Func<MlpTrialRunner> createRunner)
    {
        if (best is null || SavedHyperparameters() is { } saved && saved.Equals(Parameter.FromJson(best.ParametersJson)))
        {
            return;
        }

        AnsiConsole.MarkupLine($"the best trial ({best.Number}) has no saved model (an earlier run was interrupted, or model/ was removed): training it again with its stored hyperparameters and seed");
        using MlpTrialRunner runner = createRunner();
        var trial = new TrialSettings
        {
            TrialId = best.Number,
            Seed = SeedMixer.Mix(settings.Seed, best.Number),
            Parameter = Parameter.FromJson(best.ParametersJson),
        };
        ReportBestTrial(await runner.RunAsync(trial, CancellationToken.None));
    }

    private Parameter? SavedHyperparameters()
    {
        try
        {
            string? json = TrainedModel.Load(ModelDirectory).Metadata.HyperparametersJson;
            return json is null ? null : Parameter.FromJson(json);
        }
        catch (ModelFormatException)
        {
            return null;
        }
    }

    public void ReportTestScore(TrialResult? best, string metricName)
    {
        if (data.Test is null || !File.Exists(Path.Combine(ModelDirectory, "model.json")))
        {
            return;
        }

        using MlpPredictor predictor = MlpPredictor.Load(ModelDirectory);
        IReadOnlyList<MlpPrediction> predictions = predictor.Predict(data.Test);
        double score;
        if (settings.Task == TaskKind.Classification)
        {
            ReadOnlySpan<long> labels = data.Test.Labels;
            int correct = 0;
            for (int i = 0; i < predictions.Count; i++)
            {
                correct += predictions[i].ClassIndex == labels[i] ? 1 : 0;
            }

            score = (double)correct / predictions.Count;
        }
        else
        {
            float[] targets = data.Test.Targets.ToArray();
            double mean = targets.Average(t => (double)t);
            double residual = 0, total = 0;
            for (int i = 0; i < predictions.Count; i++)
            {
                residual += Math.Pow(targets[i] - predictions[i].Value, 2);
                total += Math.Pow(targets[i] - mean, 2);
            }

            score = 1 - (residual / total);
        }

        string source = best is null ? "the saved model" : $"the best model (trial {best.TrialSettings.TrialId})";
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold green]test {metricName} of {source}: {score:0.0000}[/] on {data.Test.Rows:N0} test rows"));
    }

    public void ReportRunningTrial(TrialSettings settings)
    {
    }

    public void ReportCompletedTrial(TrialResult result)
    {
    }

    public void ReportFailTrial(TrialSettings settings, Exception? exception = null)
    {
    }
}
