using System.Globalization;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.LearnedOptimizers;

/// <summary>
/// An <see cref="LstmOptimizer"/> applied in place to one set of weights: a copy of φ in the weights' dtype and device,
/// and one hidden and cell state per coordinate and layer (shape [coordinates, H]). Created by <see cref="LstmOptimizer.CreateState"/>.
/// </summary>
/// <remarks>
/// Each <see cref="Step"/> flattens the gradients of all weight tensors into one vector (the coordinates, in the order of
/// the weights), runs the shared LSTM on it once, and adds the update to the weights under no-grad. Not thread-safe:
/// one training loop owns a state.
/// </remarks>
public sealed class LstmOptimizerState : IOptimizerState
{
    private readonly LstmOptimizer optimizer;
    private readonly ParameterSet phi = new();
    private readonly ParameterSet state = new();
    private readonly long[][] shapes;
    private readonly long[] sizes;
    private readonly double weightDecay;
    private readonly int layers;

    internal LstmOptimizerState(LstmOptimizer optimizer, IReadOnlyList<Tensor> parameters, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            throw new ArgumentException("The optimizer needs at least one weight tensor; got none.", nameof(parameters));
        }

        if (!double.IsFinite(weightDecay) || weightDecay < 0)
        {
            throw new ArgumentException($"The weight decay must be a non-negative number; got {weightDecay.ToString("R", CultureInfo.InvariantCulture)}.", nameof(weightDecay));
        }

        Tensor first = parameters[0] ?? throw new ArgumentNullException(nameof(parameters), "Weight 0 is null.");
        LstmOptimizer.CheckDtype(first.dtype, nameof(parameters));
        for (int i = 1; i < parameters.Count; i++)
        {
            Tensor w = parameters[i] ?? throw new ArgumentNullException(nameof(parameters), string.Create(CultureInfo.InvariantCulture, $"Weight {i} is null."));
            if (w.dtype != first.dtype || !TensorChecks.SameDevice(w, first))
            {
                throw new ArgumentException($"Every weight must have weight 0's dtype and device ({first.dtype} on {first.device}); weight {i} is {w.dtype} on {w.device}.", nameof(parameters));
            }
        }

        this.optimizer = optimizer;
        this.weightDecay = weightDecay;
        layers = optimizer.Options.Layers;
        shapes = [.. parameters.Select(p => p.shape)];
        sizes = [.. parameters.Select(p => p.numel())];
        Coordinates = sizes.Sum();
        using var scope = torch.NewDisposeScope();
        for (int i = 0; i < optimizer.Weights.Count; i++)
        {
            using Tensor detached = optimizer.Weights[i].detach();
            phi.Add(optimizer.Weights.Names[i], detached.to(first.dtype, first.device, copy: true));
        }

        (Tensor[] hidden, Tensor[] cells) = optimizer.ZeroState(Coordinates, first.dtype, first.device);
        for (int l = 0; l < layers; l++)
        {
            state.Add(string.Create(CultureInfo.InvariantCulture, $"h{l}"), hidden[l]);
            state.Add(string.Create(CultureInfo.InvariantCulture, $"c{l}"), cells[l]);
        }
    }

    /// <summary>Gets the number of coordinates (scalar weights) the state serves.</summary>
    public long Coordinates { get; }

    /// <summary>Applies one update in place: θ ← θ + OutputScale · m(g + λ θ).</summary>
    /// <param name="parameters">The weights the state was created for (same count and shapes); updated in place.</param>
    /// <param name="gradients">Their loss gradients, one per weight, of its shape.</param>
    /// <exception cref="ArgumentException">The counts or shapes differ from those the state was created for.</exception>
    public void Step(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradients);
        if (parameters.Count != shapes.Length || gradients.Count != shapes.Length)
        {
            throw new ArgumentException($"The state was created for {shapes.Length} weight tensors; got {parameters.Count} weights and {gradients.Count} gradients.", nameof(gradients));
        }

        for (int i = 0; i < shapes.Length; i++)
        {
            if (!parameters[i].shape.SequenceEqual(shapes[i]) || !gradients[i].shape.SequenceEqual(shapes[i]))
            {
                throw new ArgumentException(
                    $"Weight {i} must have the shape [{string.Join(", ", shapes[i])}] the state was created for; got weight {TensorChecks.Shape(parameters[i])} and gradient {TensorChecks.Shape(gradients[i])}.",
                    nameof(gradients));
            }
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor flat = torch.cat([.. gradients.Select(g => g.reshape(-1))]);
        if (weightDecay != 0)
        {
            flat = flat.PlusScaledInPlace(torch.cat([.. parameters.Select(w => w.reshape(-1))]), weightDecay);
        }

        var hidden = new Tensor[layers];
        var cells = new Tensor[layers];
        for (int l = 0; l < layers; l++)
        {
            hidden[l] = state[2 * l];
            cells[l] = state[(2 * l) + 1];
        }

        (Tensor update, Tensor[] newHidden, Tensor[] newCells) = optimizer.Forward(phi, flat, hidden, cells);
        for (int l = 0; l < layers; l++)
        {
            state[2 * l].copy_(newHidden[l]);
            state[(2 * l) + 1].copy_(newCells[l]);
        }

        long at = 0;
        for (int i = 0; i < shapes.Length; i++)
        {
            parameters[i].PlusInPlace(update.narrow(0, at, sizes[i]).view(shapes[i]));
            at += sizes[i];
        }
    }

    /// <inheritdoc />
    void IOptimizerState.Step(ParameterSet weights, IReadOnlyList<Tensor> gradients) => Step(weights, gradients);

    /// <summary>Frees the copy of φ and the states.</summary>
    public void Dispose()
    {
        phi.Dispose();
        state.Dispose();
    }
}
