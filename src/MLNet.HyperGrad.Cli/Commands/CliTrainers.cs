using Microsoft.ML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Estimators;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>The trainers --trainers names: HyperGrad's MLP (<c>mlp</c>) and ML.NET's ready ones (<see cref="TunableTrainers"/>).</summary>
internal static class CliTrainers
{
    /// <summary>HyperGrad's MLP as a tunable trainer: <see cref="MlpHyperparameters"/>' space with epochs up to <paramref name="maxEpochs"/>, trained by HyperGradMlp on TorchSharp.</summary>
    public static TunableTrainer Mlp(int maxEpochs, int seed) => new(
        "mlp",
        [PredictionTask.BinaryClassification, PredictionTask.MulticlassClassification, PredictionTask.Regression],
        () => MlpTrialRunner.CreateSearchSpace(maxEpochs),
        (ml, task, parameter, label, features) =>
        {
            var options = new HyperGradMlpOptions { LabelColumnName = label, FeatureColumnName = features, Epochs = maxEpochs, Seed = seed };
            HyperGradMlpTrainer trainer = task switch
            {
                PredictionTask.BinaryClassification => ml.BinaryClassification.Trainers.HyperGradMlp(options),
                PredictionTask.MulticlassClassification => ml.MulticlassClassification.Trainers.HyperGradMlp(options),
                _ => ml.Regression.Trainers.HyperGradMlp(options),
            };
            trainer.Parameter = parameter;
            return trainer;
        });

    /// <summary>Every trainer for a task, the MLP first.</summary>
    public static IReadOnlyList<TunableTrainer> For(PredictionTask task, int maxEpochs, int seed) => [Mlp(maxEpochs, seed), .. TunableTrainers.For(task)];

    /// <summary>The trainer --trainers names.</summary>
    public static TunableTrainer Find(string name, int maxEpochs, int seed) =>
        string.Equals(name, "mlp", StringComparison.OrdinalIgnoreCase) ? Mlp(maxEpochs, seed) : TunableTrainers.Find(name);
}
