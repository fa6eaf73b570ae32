using System.CommandLine;
using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.LearnedOptimizers;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using Spectre.Console;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary><c>hypergrad train</c>: trains one MLP on Fashion-MNIST with given hyperparameters and reports test accuracy.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var hidden = new Option<string>("--hidden") { Description = "Hidden layer widths, comma-separated.", DefaultValueFactory = _ => "256,256" };
        var epochs = CliParsers.WholeNumber("--epochs", "Passes over the training data.", 10);
        var batch = CliParsers.WholeNumber("--batch-size", "Minibatch size.", 128);
        var optimizer = CliParsers.Optimizer("--optimizer", "SgdMomentum, Adam, or lstm:FILE (a learned LSTM optimizer saved by LstmOptimizer.Save).");
        var learningRate = CliParsers.RealNumber("--learning-rate", "Learning rate.", 0.05);
        var momentum = CliParsers.RealNumber("--momentum", "SGD momentum.", 0.9);
        var weightDecay = CliParsers.RealNumber("--weight-decay", "L2 coefficient.", 0.0);
        var seed = CliParsers.Seed("--seed", "Seed of initialization and minibatch order.");
        var threads = CliParsers.WholeNumber("--threads", "libtorch threads (default: all cores).", Environment.ProcessorCount);
        var dataDir = new Option<string?>("--data-dir") { Description = $"Fashion-MNIST IDX folder (default {FashionMnist.DefaultDirectory})." };

        var command = new Command("train", "Train one MLP on Fashion-MNIST and print its test accuracy.")
        {
            hidden, epochs, batch, optimizer, learningRate, momentum, weightDecay, seed, threads, dataDir,
        };
        command.SetAction((result, cancellationToken) => CliErrors.Guard(() =>
        {
            OptimizerChoice choice = result.GetValue(optimizer)!;

            // The learned optimizer's file is read before the data, so a wrong path fails at once.
            using LstmOptimizer? learned = choice.LstmFile is { } file ? LstmOptimizer.Load(file) : null;
            return Task.FromResult(Run(
                ParseSizes(result.GetValue(hidden)!),
                new TrainingOptions
                {
                    Epochs = result.GetValue(epochs),
                    BatchSize = result.GetValue(batch),
                    Optimizer = choice.Kind,
                    LearnedOptimizer = learned,
                    LearningRate = result.GetValue(learningRate),
                    Momentum = result.GetValue(momentum),
                    WeightDecay = result.GetValue(weightDecay),
                    Seed = result.GetValue(seed),
                },
                choice.LstmFile,
                result.GetValue(threads),
                result.GetValue(dataDir),
                cancellationToken));
        }));
        return command;
    }

    private static int Run(int[] hidden, TrainingOptions options, string? lstmFile, int threads, string? dataDirectory, CancellationToken cancellationToken)
    {
        options.Validate();
        if (threads < 1)
        {
            throw new ArgumentException($"--threads must be at least 1, got {threads}.");
        }

        TorchRuntime.Threads = threads;
        AnsiConsole.MarkupLine($"[bold]hypergrad train[/]: libtorch {TorchRuntime.Version}, {threads} thread(s)");
        FashionMnistData data = FashionMnist.Load(dataDirectory);
        using TensorDataset train = data.Train.ToTensors();
        using TensorDataset test = data.Test.ToTensors();
        int[] sizes = [data.Train.FeatureCount, .. hidden, data.Train.ClassCount];
        var mlp = new Mlp(sizes);
        using var generator = new TorchSharp.torch.Generator(options.Seed);
        using ParameterSet weights = mlp.CreateParameters(generator);
        AnsiConsole.MarkupLine($"Fashion-MNIST: {data.Train.Rows:N0} training and {data.Test.Rows:N0} test images; MLP {string.Join('-', sizes)}, {weights.ElementCount:N0} weights; {OptimizerText(options, lstmFile)}, batch {options.BatchSize}, {options.Epochs} epoch{(options.Epochs == 1 ? string.Empty : "s")}");

        var table = new Table().AddColumns("epoch", "train loss", "test loss", "test accuracy", "samples/s");
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("training", maxValue: 1.0);
                var progress = new SynchronousProgress<TrainingProgress>(p =>
                {
                    task.Value = p.Fraction;
                    task.Description = $"epoch {p.Epoch}/{p.Epochs}";
                    if (p.CompletedEpoch is { Validation: { } v } e)
                    {
                        table.AddRow(e.Epoch.ToString(CultureInfo.InvariantCulture), Fmt(e.TrainLoss), Fmt(v.Loss), Fmt(v.Accuracy ?? 0), e.SamplesPerSecond.ToString("F0", CultureInfo.InvariantCulture));
                    }
                });
                new Trainer(mlp, options).Fit(weights, train.Features, train.Labels, (test.Features, test.Labels), progress, cancellationToken);
            });

        AnsiConsole.Write(table);
        Evaluation final = Trainer.Evaluate(mlp, weights, test.Features, test.Labels, LossKind.CrossEntropy);
        AnsiConsole.MarkupLine($"[bold green]test accuracy: {Fmt(final.Accuracy ?? 0)}[/] (loss {Fmt(final.Loss)}, {final.Count:N0} images)");
        return 0;
    }

    internal static int[] ParseSizes(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
            {
                throw new ArgumentException($"--hidden expects positive integers separated by commas, such as 256,256; \"{parts[i]}\" is not one.");
            }
        }

        return sizes;
    }

    private static string OptimizerText(TrainingOptions options, string? lstmFile) => lstmFile is null
        ? $"{options.Optimizer}, lr {Fmt(options.LearningRate)}"
        : Markup.Escape($"learned LSTM optimizer {lstmFile} ({options.LearnedOptimizer!.ParameterCount:N0} weights)");

    private static string Fmt(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
