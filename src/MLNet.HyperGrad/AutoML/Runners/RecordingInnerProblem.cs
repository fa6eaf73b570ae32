using MLNet.HyperGrad.Hypergradients;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>An inner problem that passes every call through and keeps the weights of the last outer-loss evaluation.</summary>
/// <remarks>
/// Every hypergradient method evaluates the outer loss at the trained weights last (the reverse modes once
/// before their reverse pass, greedy one-step once more after its run, the implicit methods once at the
/// solved weights), so <see cref="LastOuterWeights"/> is the trained network once <c>Compute</c> returns.
/// The per-step validation minibatches (<see cref="IInnerProblem.OuterLossOnBatch"/>) and the analytic reverse step
/// (<see cref="IAnalyticReverseStep"/>) and closed-form greedy step (<see cref="IAnalyticGreedyStep"/>) of the wrapped problem
/// pass through too, so wrapping costs nothing.
/// </remarks>
internal sealed class RecordingInnerProblem(IInnerProblem inner) : IInnerProblem, IAnalyticReverseStep, IAnalyticGreedyStep
{
    /// <summary>Gets the weights, flattened in order, of the last <see cref="OuterLoss"/> call (or whole-split <see cref="AnalyticOuterGradient"/> call); null before any.</summary>
    public double[]? LastOuterWeights { get; private set; }

    public IReadOnlyList<long[]> WeightShapes => inner.WeightShapes;

    public Tensor[] InitialWeights(HyperparameterTensors hyperparameters) => inner.InitialWeights(hyperparameters);

    public Tensor TrainingLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int? step) =>
        inner.TrainingLoss(weights, hyperparameters, step);

    public Tensor OuterLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters)
    {
        LastOuterWeights = FlatTensors.Flatten(weights.Select(w => w.detach()));
        return inner.OuterLoss(weights, hyperparameters);
    }

    public Tensor OuterLossOnBatch(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int step) =>
        inner.OuterLossOnBatch(weights, hyperparameters, step);

    public bool CoversAnalytically(HyperparameterTensors hyperparameters) =>
        inner is IAnalyticReverseStep analytic && analytic.CoversAnalytically(hyperparameters);

    public void AnalyticTrainingGradient(double[] weights, HyperparameterTensors hyperparameters, int step, Span<double> gradient) =>
        Analytic.AnalyticTrainingGradient(weights, hyperparameters, step, gradient);

    public Tensor[]? AnalyticReverseStep(double[] weights, double[] direction, HyperparameterTensors hyperparameters, int step, Span<double> gradient, Span<double> product) =>
        Analytic.AnalyticReverseStep(weights, direction, hyperparameters, step, gradient, product);

    public Tensor[] AnalyticTrainingGradient(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int step) =>
        Analytic.AnalyticTrainingGradient(weights, hyperparameters, step);

    public Tensor[]? AnalyticReverseStep(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> direction, HyperparameterTensors hyperparameters, int step, out Tensor[] gradient, out Tensor[] product) =>
        Analytic.AnalyticReverseStep(weights, direction, hyperparameters, step, out gradient, out product);

    public bool CoversGreedyAnalytically(HyperparameterTensors hyperparameters) =>
        inner is IAnalyticGreedyStep greedy && greedy.CoversGreedyAnalytically(hyperparameters);

    /// <summary>The closed-form outer loss and gradient; without a step it is the outer loss on the whole validation split, as
    /// <see cref="OuterLoss"/> is (the reverse modes start their pass with it), so its weights are recorded too.</summary>
    public double AnalyticOuterGradient(double[] weights, int? step, Span<double> gradient)
    {
        if (step is null)
        {
            LastOuterWeights = (double[])weights.Clone();
        }

        return Greedy.AnalyticOuterGradient(weights, step, gradient);
    }

    public void AddPenaltyDirectionalDerivative(double[] weights, double[] direction, HyperparameterSet hyperparameters, double scale, Span<double> hypergradient) =>
        Greedy.AddPenaltyDirectionalDerivative(weights, direction, hyperparameters, scale, hypergradient);

    private IAnalyticGreedyStep Greedy => inner as IAnalyticGreedyStep
        ?? throw new InvalidOperationException("The wrapped inner problem has no closed-form greedy step; ask CoversGreedyAnalytically first.");

    private IAnalyticReverseStep Analytic => inner as IAnalyticReverseStep
        ?? throw new InvalidOperationException("The wrapped inner problem has no analytic reverse step; ask CoversAnalytically first.");
}
