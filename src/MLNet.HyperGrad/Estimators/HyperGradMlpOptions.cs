using System.Globalization;
using Microsoft.ML;
using MLNet.HyperGrad.Training;

namespace MLNet.HyperGrad.Estimators;

/// <summary>Settings of the HyperGradMlp trainer (<c>mlContext.*.Trainers.HyperGradMlp(options)</c>): columns, hyperparameters and run controls.</summary>
/// <remarks>
/// <para>The hyperparameters are those of <see cref="AutoML.Runners.MlpHyperparameters"/> (search-space keys
/// <c>learning_rate</c>, <c>momentum</c>, <c>l2</c>, <c>hidden_width</c>, <c>depth</c>, <c>batch_size</c>,
/// <c>epochs</c>); a tuner that sets <see cref="ITunableEstimator.Parameter"/> overrides them for the next fit.
/// The network is trained with SGD with momentum (or a learned <see cref="Optimizer"/>) on features standardized with the training rows' mean and
/// deviation (folded into the first layer afterwards); regression targets are standardized likewise.</para>
/// <para><see cref="ValidationData"/>, <see cref="CancellationToken"/> and <see cref="EpochCompleted"/> control one run: they are never saved
/// with a model. Everything is checked once by <see cref="Validate"/>, which the trainer calls.</para>
/// </remarks>
public sealed class HyperGradMlpOptions
{
    /// <summary>Gets or sets the label column: a key for multiclass, Boolean for binary, Single for regression.</summary>
    /// <value>The default is "Label".</value>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Gets or sets the features column: a known-size vector of Single.</summary>
    /// <value>The default is "Features".</value>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>Gets or sets SGD's learning rate.</summary>
    /// <value>The default is 0.05.</value>
    public double LearningRate { get; set; } = 0.05;

    /// <summary>Gets or sets SGD's momentum, in [0, 1).</summary>
    /// <value>The default is 0.9.</value>
    public double Momentum { get; set; } = 0.9;

    /// <summary>Gets or sets the L2 coefficient (weight decay), at least 0.</summary>
    /// <value>The default is 1e-5.</value>
    public double L2 { get; set; } = 1e-5;

    /// <summary>Gets or sets the units per hidden layer, at least 1.</summary>
    /// <value>The default is 128.</value>
    public int HiddenWidth { get; set; } = 128;

    /// <summary>Gets or sets the number of hidden layers, at least 0 (0 is a linear model).</summary>
    /// <value>The default is 2.</value>
    public int Depth { get; set; } = 2;

    /// <summary>Gets or sets the minibatch size, at least 1; a training set smaller than it is one minibatch.</summary>
    /// <value>The default is 32.</value>
    public int BatchSize { get; set; } = 32;

    /// <summary>Gets or sets the passes over the training rows, at least 1.</summary>
    /// <value>The default is 20.</value>
    public int Epochs { get; set; } = 20;

    /// <summary>Gets or sets the seed of the initial weights and the minibatch order: the same seed, data and threads give the same model.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }

    /// <summary>
    /// Gets or sets a learned optimizer (for example <c>LstmOptimizer.Load(path)</c>) that trains the network instead of SGD with
    /// momentum; <see cref="LearningRate"/> and <see cref="Momentum"/> are then unused, and <see cref="L2"/> is added to the
    /// gradient it sees. The caller owns it (the trainer copies its weights at the start of each fit, so it may be disposed
    /// after the last fit); not saved with a model. It does not apply when a pipeline tunes the trainer by gradient.
    /// </summary>
    /// <value>The default is none (SGD with momentum).</value>
    public LearnedOptimizers.LstmOptimizer? Optimizer { get; set; }

    /// <summary>
    /// Gets or sets validation rows, evaluated after every epoch into <see cref="EpochReport.Validation"/> (loss; accuracy for
    /// classification); not saved with a model. They must already be transformed like the trainer's input (the same features
    /// and label columns), for example by the fitted featurization of the pipeline. Regression loss is the mean squared error
    /// in units of the training targets' standard deviation.
    /// </summary>
    /// <value>The default is none.</value>
    public IDataView? ValidationData { get; set; }

    /// <summary>Gets or sets a token that cancels training (checked before every minibatch); not saved with a model.</summary>
    /// <value>The default is <see cref="CancellationToken.None"/>.</value>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Gets or sets a callback told after every epoch (its mean training loss and timing), on the training thread; not saved with a model.</summary>
    /// <value>The default is none.</value>
    public Action<EpochReport>? EpochCompleted { get; set; }

    /// <summary>Gets or sets how finely the L2 penalty is tuned when a pipeline tunes this trainer by gradient (<c>WithHyperGrad(o =&gt; o.Method = ...)</c>): per layer or per weight.</summary>
    /// <value>The default is <see cref="Hypergradients.L2Granularity.PerLayer"/>.</value>
    public Hypergradients.L2Granularity GradientL2 { get; set; } = Hypergradients.L2Granularity.PerLayer;

    /// <summary>Gets or sets the SGD steps T of each trial when tuned by gradient (instead of <see cref="Epochs"/>).</summary>
    /// <value>The default is 100.</value>
    public int GradientSteps { get; set; } = 100;

    /// <summary>Gets or sets the entries of the learning-rate schedule tuned by gradient (step t uses entry ⌊t·K / T⌋); 0 for one per step.</summary>
    /// <value>The default is 0 (a learning rate per step).</value>
    public int LearningRateScheduleEntries { get; set; }

    /// <summary>Gets or sets the entries of the momentum schedule tuned by gradient; 0 for one per step.</summary>
    /// <value>The default is 0 (a momentum per step).</value>
    public int MomentumScheduleEntries { get; set; }

    /// <summary>Checks every setting and reports all problems together.</summary>
    /// <exception cref="ArgumentException">One or more settings are invalid; the message lists each with its value.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                problems.Add(message);
            }
        }

        static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        Require(!string.IsNullOrWhiteSpace(LabelColumnName), $"LabelColumnName must name a column, got \"{LabelColumnName}\".");
        Require(!string.IsNullOrWhiteSpace(FeatureColumnName), $"FeatureColumnName must name a column, got \"{FeatureColumnName}\".");
        Require(double.IsFinite(LearningRate) && LearningRate > 0, $"LearningRate must be a positive number, got {F(LearningRate)}.");
        Require(double.IsFinite(Momentum) && Momentum >= 0 && Momentum < 1, $"Momentum must be in [0, 1), got {F(Momentum)}.");
        Require(double.IsFinite(L2) && L2 >= 0, $"L2 must be a non-negative number, got {F(L2)}.");
        Require(HiddenWidth >= 1, $"HiddenWidth must be at least 1, got {HiddenWidth}.");
        Require(Depth >= 0, $"Depth must be at least 0, got {Depth}.");
        Require(BatchSize >= 1, $"BatchSize must be at least 1, got {BatchSize}.");
        Require(Epochs >= 1, $"Epochs must be at least 1, got {Epochs}.");
        Require(Enum.IsDefined(GradientL2), $"GradientL2 {(int)GradientL2} is not a known granularity.");
        Require(GradientSteps >= 1, $"GradientSteps must be at least 1, got {GradientSteps}.");
        Require(LearningRateScheduleEntries >= 0 && LearningRateScheduleEntries <= GradientSteps, $"LearningRateScheduleEntries must be in 0 … GradientSteps ({GradientSteps}), got {LearningRateScheduleEntries}.");
        Require(MomentumScheduleEntries >= 0 && MomentumScheduleEntries <= GradientSteps, $"MomentumScheduleEntries must be in 0 … GradientSteps ({GradientSteps}), got {MomentumScheduleEntries}.");
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid HyperGradMlp options: " + string.Join(" ", problems));
        }
    }

    /// <summary>A copy of these options (the trainer keeps its own, so later changes to the caller's object do not leak into it).</summary>
    /// <returns>A shallow copy.</returns>
    internal HyperGradMlpOptions Clone() => (HyperGradMlpOptions)MemberwiseClone();
}
