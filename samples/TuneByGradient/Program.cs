// Tunes tens of thousands of hyperparameters by gradient on a fixed Fashion-MNIST split: an L2 coefficient per
// weight, a learning rate and a momentum per SGD step, and an init scale per layer of an MLP 784-32-10.
// Each trial trains the MLP for T steps and differentiates the validation loss through the training; the next
// trial is one outer Adam step away (HyperGradientTuner). Test cross-entropy is printed beside, never used.
// Run: dotnet run -c Release --project samples/TuneByGradient [method] [outer-steps] [rows]
//   method: ExactReversal, Checkpointed (default), DrMad, Implicit, ImplicitNeumann, Greedy
using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Hypergradients;

HypergradientMethodKind method = args.Length > 0 ? Enum.Parse<HypergradientMethodKind>(args[0], ignoreCase: true) : HypergradientMethodKind.Checkpointed;
int outerSteps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 12;
int rows = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000;

// The fixed split: the first rows of the official training set train, the next as many validate; the official test set tests.
FashionMnistData data = FashionMnist.Load();
TabularDataset train = data.Train.Subset(Enumerable.Range(0, rows).ToArray());
TabularDataset validation = data.Train.Subset(Enumerable.Range(rows, rows).ToArray());

var options = new HypergradientTrialRunnerOptions
{
    Method = method,
    HiddenLayers = [32],
    Steps = 50,
    BatchSize = 100,
    L2 = L2Granularity.PerWeight,
    InitialLearningRate = 0.05,
    InitialL2 = 1e-4,
};
using var runner = new HypergradientTrialRunner(train, validation, data.Test, options);
var hyperparameters = runner.CreateSearchSpace();
int count = hyperparameters.FeatureSpaceDim;
Console.WriteLine($"{method}: {count:N0} hyperparameters ({string.Join(", ", hyperparameters.Keys)}), T = {options.Steps}, {rows:N0} training and {rows:N0} validation rows");

var monitor = new Progress();
TrialResult best = await new HyperGradExperiment()
    .AddSearchSpace(HypergradientTrialRunner.SearchSpaceKey, hyperparameters)
    .SetTrialRunner(runner)
    .WithHyperGrad(o => o.Method = method)   // the gradient tuner; the runner above is kept
    .SetMonitor(monitor)
    .SetMaxModelToExplore(outerSteps + 1)
    .SetTrainingTimeInSeconds(600)
    .RunAsync();

var tuned = (HypergradientTrialResult)best;
double[] learningRates = tuned.Hyperparameters!.Values("learning_rate");
double[] l2 = tuned.Hyperparameters.Values("l2.w0");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best: trial {best.TrialSettings.TrialId}, validation CE {tuned.OuterLoss:F4} (first trial {monitor.First:F4}), validation accuracy {tuned.Metric:F4}, test CE {tuned.TestLoss:F4}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learning rate per step: first {learningRates[0]:G3}, middle {learningRates[learningRates.Length / 2]:G3}, last {learningRates[^1]:G3}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"L2 of the first layer's weights: min {l2.Min():G3}, median {l2.Order().ElementAt(l2.Length / 2):G3}, max {l2.Max():G3}"));

/// <summary>Prints each outer step as it completes.</summary>
internal sealed class Progress : IMonitor
{
    public double First { get; private set; } = double.NaN;

    public void ReportRunningTrial(TrialSettings settings)
    {
    }

    public void ReportCompletedTrial(TrialResult result)
    {
        if (result is HypergradientTrialResult h)
        {
            First = double.IsNaN(First) ? h.OuterLoss : First;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"outer step {h.TrialSettings.TrialId,2}: validation CE {h.OuterLoss:F4}, accuracy {h.Metric:F4}, test CE {h.TestLoss:F4}  ({h.MethodName}, {h.Cost.Elapsed.TotalSeconds:F1} s)"));
        }
    }

    public void ReportBestTrial(TrialResult result)
    {
    }

    public void ReportFailTrial(TrialSettings settings, Exception? exception = null) =>
        Console.WriteLine($"trial {settings.TrialId} failed: {exception?.Message}");
}
