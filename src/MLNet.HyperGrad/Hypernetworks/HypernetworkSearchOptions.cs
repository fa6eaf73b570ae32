using System.Globalization;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>Settings of <see cref="HypernetworkSearch"/>; validated once by <see cref="Validate"/>.</summary>
public sealed record HypernetworkSearchOptions
{
    /// <summary>Gets the algorithm.</summary>
    /// <value>The default is <see cref="HypernetworkMode.Global"/>.</value>
    public HypernetworkMode Mode { get; init; } = HypernetworkMode.Global;

    /// <summary>Gets the hypernetwork training steps before the first step on λ (global: all of its training; local: the warm-up around the start).</summary>
    /// <value>The default is 2000.</value>
    public int TrainingSteps { get; init; } = 2000;

    /// <summary>Gets the λ draws per hypernetwork step; each is evaluated on its own training batch (the inner problem's consecutive steps), and the step's loss is their mean.</summary>
    /// <value>The default is 4.</value>
    public int SamplesPerStep { get; init; } = 4;

    /// <summary>Gets Adam's learning rate on the hypernetwork's weights φ at the first step; it decays by a cosine to <see cref="FinalLearningRateFraction"/> of it at the last.</summary>
    /// <value>The default is 0.003.</value>
    public double LearningRate { get; init; } = 0.003;

    /// <summary>Gets the fraction of <see cref="LearningRate"/> reached at the last hypernetwork step.</summary>
    /// <value>The default is 0.05.</value>
    public double FinalLearningRateFraction { get; init; } = 0.05;

    /// <summary>Gets the steps on λ (global: gradient descent after training; local: rounds of hypernetwork steps and one λ step).</summary>
    /// <value>The default is 100.</value>
    public int HyperparameterSteps { get; init; } = 100;

    /// <summary>Gets Adam's step on λ (unconstrained units).</summary>
    /// <value>The default is 0.1.</value>
    public double HyperparameterLearningRate { get; init; } = 0.1;

    /// <summary>Gets the hypernetwork steps per round in <see cref="HypernetworkMode.Local"/>.</summary>
    /// <value>The default is 10.</value>
    public int LocalHypernetworkSteps { get; init; } = 10;

    /// <summary>Gets σ of the local draws, λ + σ·N(0, 1) (clamped to the ranges), in <see cref="HypernetworkMode.Local"/>.</summary>
    /// <value>The default is 0.5.</value>
    public double LocalScale { get; init; } = 0.5;

    /// <summary>Gets the points of each predicted validation-loss curve (evenly spaced over the element's range, ends included).</summary>
    /// <value>The default is 41.</value>
    public int CurvePoints { get; init; } = 41;

    /// <summary>Gets the seed of the λ draws.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; init; }

    /// <summary>Checks every setting and reports all problems at once.</summary>
    /// <exception cref="ArgumentException">One or more settings are out of range; the message lists each with its value.</exception>
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
        Require(Enum.IsDefined(Mode), $"Mode {(int)Mode} is not a HypernetworkMode.");
        Require(TrainingSteps >= 0, $"TrainingSteps must be at least 0, got {TrainingSteps}.");
        Require(SamplesPerStep >= 1, $"SamplesPerStep must be at least 1, got {SamplesPerStep}.");
        Require(double.IsFinite(LearningRate) && LearningRate > 0, $"LearningRate must be a positive number, got {F(LearningRate)}.");
        Require(double.IsFinite(FinalLearningRateFraction) && FinalLearningRateFraction > 0 && FinalLearningRateFraction <= 1, $"FinalLearningRateFraction must be in (0, 1], got {F(FinalLearningRateFraction)}.");
        Require(HyperparameterSteps >= 0, $"HyperparameterSteps must be at least 0, got {HyperparameterSteps}.");
        Require(double.IsFinite(HyperparameterLearningRate) && HyperparameterLearningRate > 0, $"HyperparameterLearningRate must be a positive number, got {F(HyperparameterLearningRate)}.");
        Require(LocalHypernetworkSteps >= 1, $"LocalHypernetworkSteps must be at least 1, got {LocalHypernetworkSteps}.");
        Require(double.IsFinite(LocalScale) && LocalScale > 0, $"LocalScale must be a positive number, got {F(LocalScale)}.");
        Require(CurvePoints >= 2, $"CurvePoints must be at least 2, got {CurvePoints}.");
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid hypernetwork search options: " + string.Join(" ", problems));
        }
    }
}
