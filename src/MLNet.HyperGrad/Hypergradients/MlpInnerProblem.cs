using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Training an <see cref="Mlp"/> classifier by cross-entropy on a training set, judged by cross-entropy on a validation set, in float64.</summary>
/// <remarks>
/// Hyperparameters it reads, when present in the set: <see cref="L2Name"/> (shape [layers]) adds
/// ½ Σ_l λ_l ‖W_l‖² (weights, not biases); <c>l2.w{l}</c> (shaped like layer l's weight) adds
/// ½ Σ λ ⊙ W_l²; <c>l2.in{l}</c> (shape [inputs of layer l]) adds ½ Σ_j λ_j Σ_i W_l[i, j]², one coefficient per
/// input unit of layer l (a column of W_l: per pixel for the first layer); <see cref="InitScaleName"/> (shape [layers]) multiplies layer l's initial weight and bias,
/// which are otherwise PyTorch's default initialization drawn once from the seed. Inner step t uses
/// the training rows t·B … t·B + B − 1 (modulo the row count), B the batch size. With one layer this is
/// softmax regression. The outer criterion is chosen by <see cref="OuterCriterion"/>: the validation
/// cross-entropy (the default) or the validation error, differentiated through its surrogate, the
/// expected error mean_i (1 − p_i[y_i]); <see cref="ValidationErrorRate"/> gives the 0-1 error to report.
/// With <see cref="CentersInputs"/> the first layer reads x − m, m the training rows' mean features, in training and validation:
/// its bias b̃ stands for b = b̃ − W₀·m of the uncentred model, so the model family, the penalties (weights only, never biases), the
/// losses and the optimum's predictions are those of the uncentred problem; only the coordinates differ, and first-order optimizers
/// converge much faster in them (on raw pixels in [0, 1] the input mean couples the bias with every weight: minibatch Adam stopped
/// well short of the weak-L2 optimum where it converged with centred inputs).
/// </remarks>
public sealed partial class MlpInnerProblem : IInnerProblem, IAnalyticReverseStep, IDisposable
{
    /// <summary>The name of the per-layer L2 hyperparameter, shape [layers].</summary>
    public const string L2Name = "l2";

    /// <summary>The name of the per-layer init-scale hyperparameter, shape [layers].</summary>
    public const string InitScaleName = "init_scale";

    private readonly Tensor trainX;
    private readonly Tensor trainY;
    private readonly Tensor validationX;
    private readonly Tensor validationY;
    private readonly ParameterSet baseWeights;
    private readonly Tensor? inputMean;
    private readonly int? validationBatchSize;

    /// <summary>Creates the problem; copies the data into float64 tensors.</summary>
    /// <param name="mlp">The architecture; its input size must match the features and its output size the classes.</param>
    /// <param name="train">The classification training set.</param>
    /// <param name="validation">The classification validation set, same features.</param>
    /// <param name="batchSize">Rows per inner step, at least 1; the whole set when at least its row count.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="outerCriterion">What <see cref="OuterLoss"/> computes on the validation set; the default is <see cref="OuterCriterion.ValidationLoss"/>.</param>
    /// <param name="centerInputs">Whether the first layer reads the features minus the training mean (<see cref="CentersInputs"/>); the default is false.</param>
    /// <exception cref="ArgumentException">A set is not classification, or sizes do not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The outer criterion is not a defined value.</exception>
    public MlpInnerProblem(Mlp mlp, TabularDataset train, TabularDataset validation, int batchSize, ulong seed, OuterCriterion outerCriterion = OuterCriterion.ValidationLoss, bool centerInputs = false)
    {
        if (!Enum.IsDefined(outerCriterion))
        {
            throw new ArgumentOutOfRangeException(nameof(outerCriterion), outerCriterion, $"Expected one of {string.Join(", ", Enum.GetNames<OuterCriterion>())}.");
        }

        ArgumentNullException.ThrowIfNull(mlp);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        foreach ((TabularDataset set, string name) in new[] { (train, nameof(train)), (validation, nameof(validation)) })
        {
            if (set.Task != TaskKind.Classification || set.FeatureCount != mlp.LayerSizes[0] || set.ClassCount > mlp.LayerSizes[^1])
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {name} set must be classification with {mlp.LayerSizes[0]} features and at most {mlp.LayerSizes[^1]} classes; got {set.Task} with {set.FeatureCount} features and {set.ClassCount} classes."), name);
            }
        }

        Mlp = mlp;
        OuterCriterion = outerCriterion;
        BatchSize = Math.Min(batchSize, train.Rows);
        (trainX, trainY) = ClassificationCriteria.ToFloat64(train);
        (validationX, validationY) = ClassificationCriteria.ToFloat64(validation);
        CentersInputs = centerInputs;
        if (centerInputs)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            inputMean = trainX.mean([0L]).DetachFromDisposeScope();
            trainX.sub_(inputMean);
            validationX.sub_(inputMean);
        }

        using var generator = new torch.Generator(seed);
        baseWeights = mlp.CreateParameters(generator, ScalarType.Float64);
        WeightShapes = [.. baseWeights.Select(t => t.shape)];
    }

    /// <summary>Gets the architecture.</summary>
    public Mlp Mlp { get; }

    /// <summary>Gets what <see cref="OuterLoss"/> computes.</summary>
    public OuterCriterion OuterCriterion { get; }

    /// <summary>Gets the rows per inner step.</summary>
    public int BatchSize { get; }

    /// <summary>Gets the validation rows of <see cref="OuterLossOnBatch"/>, the outer loss of one differentiated step of <see cref="GreedyOneStep"/> (at most the validation set's rows: the whole set when larger).</summary>
    /// <value>The default is <see cref="BatchSize"/> (a validation minibatch as large as a training batch, as in Luketina et al. 2016).</value>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    /// <remarks>A smaller minibatch makes each differentiated step cheaper (its forward and backward pass at the stepped weights) and its one-step hypergradient noisier.</remarks>
    public int ValidationBatchSize
    {
        get => Math.Min(validationBatchSize ?? BatchSize, ValidationRows);
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            validationBatchSize = value;
        }
    }

    private int ValidationRows => (int)validationX.shape[0];

    /// <summary>Gets whether the first layer reads the features minus the training mean; its bias is then b̃ = b + W₀·m (see the remarks).</summary>
    public bool CentersInputs { get; }

    /// <inheritdoc/>
    public IReadOnlyList<long[]> WeightShapes { get; }

    /// <summary>The name of the per-weight L2 hyperparameter of a layer, shaped like its weight.</summary>
    /// <param name="layer">The layer, from 0.</param>
    /// <returns>"l2.w{layer}".</returns>
    public static string PerWeightL2Name(int layer) => L2Name + "." + Mlp.WeightName(layer);

    /// <summary>The name of the per-input-unit L2 hyperparameter of a layer, shape [inputs of the layer].</summary>
    /// <param name="layer">The layer, from 0.</param>
    /// <returns>"l2.in{layer}".</returns>
    public static string PerInputUnitL2Name(int layer) => string.Create(CultureInfo.InvariantCulture, $"{L2Name}.in{layer}");

    /// <inheritdoc/>
    public Tensor[] InitialWeights(HyperparameterTensors hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Tensor[] result;
        if (!hyperparameters.Contains(InitScaleName))
        {
            result = [.. baseWeights.Select(t => t.detach().clone())];
        }
        else
        {
            Tensor scale = hyperparameters.Constrained(InitScaleName);
            CheckLayers(scale, InitScaleName);
            result = new Tensor[baseWeights.Count];
            for (int i = 0; i < baseWeights.Count; i++)
            {
                result[i] = baseWeights[i].detach() * scale[i / 2];
            }
        }

        if (inputMean is not null)
        {
            // The same initial function as without centring: b̃ = b + W₀·m. W₀ is computed again here rather than read from
            // result[0], so that b̃ is no function of the tensor result[0]: a method that differentiates with respect to the
            // initial weights as returned (store-everything autograd) would otherwise add the path W₀ → b̃ to W₀'s gradient
            // and train other dynamics than the methods that take the weights as independent leaves.
            Tensor first = hyperparameters.Contains(InitScaleName)
                ? baseWeights[0].detach() * hyperparameters.Constrained(InitScaleName)[0]
                : baseWeights[0].detach();
            result[1] = result[1].Plus(torch.mv(first, inputMean));
        }

        return result;
    }

    /// <summary>The first layer's bias of the uncentred model with the same predictions: b̃ − W₀·m with <see cref="CentersInputs"/>, b̃ itself otherwise.</summary>
    /// <param name="weights">float64 weights of <see cref="WeightShapes"/>, in this problem's coordinates.</param>
    /// <returns>A new tensor of the first bias's shape, in the caller's dispose scope.</returns>
    public Tensor UncentredFirstBias(IReadOnlyList<Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return inputMean is null ? weights[1].clone() : weights[1] - torch.mv(weights[0], inputMean);
    }

    /// <inheritdoc/>
    public Tensor TrainingLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int? step)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        (Tensor x, Tensor y) = ClassificationCriteria.Batch(trainX, trainY, BatchSize, step);
        Tensor loss = Losses.Compute(LossKind.CrossEntropy, Mlp.Forward(weights, x), y);
        return loss.Plus(Penalty(weights, hyperparameters));
    }

    /// <inheritdoc/>
    /// <remarks>The validation cross-entropy, or for <see cref="OuterCriterion.ValidationError"/> the expected error mean_i (1 − p_i[y_i]).</remarks>
    public Tensor OuterLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters) =>
        Criterion(weights, validationX, validationY);

    /// <inheritdoc/>
    /// <remarks>The criterion of <see cref="OuterLoss"/> on validation rows t·B … t·B + B − 1 (modulo the row count), B the <see cref="ValidationBatchSize"/>.</remarks>
    public Tensor OuterLossOnBatch(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int step)
    {
        (Tensor x, Tensor y) = ClassificationCriteria.Batch(validationX, validationY, ValidationBatchSize, step);
        return Criterion(weights, x, y);
    }

    /// <summary>The validation 0-1 error: the fraction of validation rows whose arg-max class is not the label (the value to report for <see cref="OuterCriterion.ValidationError"/>).</summary>
    /// <param name="weights">float64 weights of <see cref="WeightShapes"/>.</param>
    /// <returns>A value in [0, 1].</returns>
    /// <exception cref="ArgumentException">The weights do not fit the architecture.</exception>
    public double ValidationErrorRate(IReadOnlyList<Tensor> weights)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return ClassificationCriteria.ErrorRate(Mlp.Forward(weights, validationX), validationY);
    }

    /// <summary>Releases the data and initial weights.</summary>
    public void Dispose()
    {
        trainX.Dispose();
        trainY.Dispose();
        validationX.Dispose();
        validationY.Dispose();
        baseWeights.Dispose();
        inputMean?.Dispose();
    }

    private Tensor Criterion(IReadOnlyList<Tensor> weights, Tensor x, Tensor y)
    {
        Tensor logits = Mlp.Forward(weights, x);
        return OuterCriterion == OuterCriterion.ValidationError
            ? ClassificationCriteria.ExpectedError(logits, y)
            : Losses.Compute(LossKind.CrossEntropy, logits, y);
    }

    private Tensor Penalty(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters)
    {
        Tensor penalty = torch.zeros([], ScalarType.Float64);
        if (hyperparameters.Contains(L2Name))
        {
            Tensor l2 = hyperparameters.Constrained(L2Name);
            CheckLayers(l2, L2Name);
            for (int l = 0; l < Mlp.LayerCount; l++)
            {
                penalty = penalty.Plus(l2[l].Times(0.5) * weights[2 * l].Square().sum());
            }
        }

        for (int l = 0; l < Mlp.LayerCount; l++)
        {
            string name = PerWeightL2Name(l);
            if (hyperparameters.Contains(name))
            {
                Tensor l2 = hyperparameters.Constrained(name);
                CheckPerWeight(l2, name, l, weights[2 * l], nameof(hyperparameters));
                penalty = penalty.Plus((l2 * weights[2 * l].Square()).sum().Times(0.5));
            }

            string unitName = PerInputUnitL2Name(l);
            if (hyperparameters.Contains(unitName))
            {
                Tensor l2 = hyperparameters.Constrained(unitName);
                CheckPerUnit(l2, unitName, l, weights[2 * l], nameof(hyperparameters));
                // sum(dim: 0L), not sum(0): a literal 0 converts to ScalarType (Byte) and picks the dtype overload.
                penalty = penalty.Plus((l2 * weights[2 * l].Square().sum(dim: 0L)).sum().Times(0.5));
            }
        }

        return penalty;
    }

    private static void CheckPerWeight(Tensor l2, string name, int layer, Tensor weight, string paramName)
    {
        if (!l2.shape.SequenceEqual(weight.shape))
        {
            throw new ArgumentException($"Hyperparameter \"{name}\" must have the shape of weight {Mlp.WeightName(layer)}, [{string.Join(", ", weight.shape)}]; got [{string.Join(", ", l2.shape)}].", paramName);
        }
    }

    private static void CheckPerUnit(Tensor l2, string name, int layer, Tensor weight, string paramName)
    {
        long inputs = weight.shape[1];
        if (l2.dim() != 1 || l2.shape[0] != inputs)
        {
            throw new ArgumentException($"Hyperparameter \"{name}\" must have shape [{inputs}] (one per input unit of layer {layer}); got [{string.Join(", ", l2.shape)}].", paramName);
        }
    }

    private void CheckLayers(Tensor t, string name)
    {
        if (t.dim() != 1 || t.shape[0] != Mlp.LayerCount)
        {
            throw new ArgumentException($"Hyperparameter \"{name}\" must have shape [{Mlp.LayerCount}] (one per layer); got [{string.Join(", ", t.shape)}].", nameof(t));
        }
    }
}
