using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Tests.Transfer;

/// <summary>
/// The pre-training objective and its gradient at the model's seeded initial parameters, each moved by a uniform perturbation
/// (so no parameter sits at a symmetric point), with the float64 central-difference gradient to check it against.
/// </summary>
internal sealed record PretrainingObjectiveAtPerturbedStart(PriorModel Model, double Value, double[] Gradient, double[] FiniteDifferenceGradient)
{
    /// <summary>Evaluates at <c>Initial(new Random(3))</c> plus <paramref name="perturbation"/> · (U(0, 1) − ½) per parameter (seed 4).</summary>
    public static PretrainingObjectiveAtPerturbedStart Evaluate(IReadOnlyList<TransferTask> tasks, GpPriorPretrainingOptions options, double perturbation)
    {
        PriorModel model = GpPriorPretraining.ModelFor(tasks, options);
        double[] theta = model.Initial(new Random(3));
        var random = new Random(4);
        for (int i = 0; i < theta.Length; i++)
        {
            theta[i] += perturbation * (random.NextDouble() - 0.5);
        }

        (double value, double[] gradient) = GpPriorPretraining.FullObjective(tasks, options, theta);
        double[] reference = FiniteDifferences.Gradient(t => GpPriorPretraining.FullObjective(tasks, options, t).Value, theta, 1e-5);
        return new PretrainingObjectiveAtPerturbedStart(model, value, gradient, reference);
    }
}
