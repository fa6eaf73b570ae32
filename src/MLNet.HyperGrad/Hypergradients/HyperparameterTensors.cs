using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>The autograd view of a <see cref="HyperparameterSet"/> in one hypergradient computation.</summary>
/// <remarks>
/// Each hyperparameter is one float64 leaf tensor of its shape holding the unconstrained values, with
/// requires-grad set; <see cref="Constrained"/> maps it (differentiably) to the values an inner problem
/// uses. The leaves belong to the dispose scope that was current at creation.
/// </remarks>
public sealed class HyperparameterTensors
{
    private readonly Dictionary<string, Tensor> leaves = new(StringComparer.Ordinal);

    internal HyperparameterTensors(HyperparameterSet set)
    {
        Set = set;
        foreach (Hyperparameter d in set.Definitions)
        {
            leaves[d.Name] = TensorData.FromSpan<double>(set.UnconstrainedValues(d.Name), [.. d.Shape]).requires_grad_(true);
        }
    }

    /// <summary>Gets the set these tensors were made from.</summary>
    public HyperparameterSet Set { get; }

    /// <summary>Gets the leaves in definition order.</summary>
    public IReadOnlyList<Tensor> Leaves => [.. Set.Definitions.Select(d => leaves[d.Name])];

    /// <summary>Whether a hyperparameter of this name is present.</summary>
    /// <param name="name">The name.</param>
    /// <returns>True if present.</returns>
    public bool Contains(string name) => leaves.ContainsKey(name);

    /// <summary>The unconstrained leaf of a hyperparameter.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The leaf, float64, of the hyperparameter's shape.</returns>
    /// <exception cref="KeyNotFoundException">No such hyperparameter.</exception>
    public Tensor Unconstrained(string name) =>
        leaves.TryGetValue(name, out Tensor? t) ? t : throw new KeyNotFoundException($"No hyperparameter \"{name}\"; present: [{string.Join(", ", leaves.Keys)}].");

    /// <summary>The values of a hyperparameter, computed differentiably from its leaf (e^u, sigmoid(u) or u).</summary>
    /// <param name="name">The name.</param>
    /// <returns>A new float64 tensor of the hyperparameter's shape, in the current dispose scope.</returns>
    /// <exception cref="KeyNotFoundException">No such hyperparameter.</exception>
    public Tensor Constrained(string name)
    {
        Tensor u = Unconstrained(name);
        return Set.Definition(name).Transform switch
        {
            HyperparameterTransform.Log => torch.exp(u),
            HyperparameterTransform.Logit => torch.sigmoid(u),
            _ => u.alias(),
        };
    }

    /// <summary>Splits a gradient with respect to <see cref="Leaves"/> into named arrays.</summary>
    /// <param name="gradients">One tensor per leaf, in definition order.</param>
    /// <returns>Name → gradient values, row-major.</returns>
    internal Dictionary<string, double[]> ToNamedArrays(IReadOnlyList<Tensor> gradients)
    {
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int i = 0; i < Set.Definitions.Count; i++)
        {
            result[Set.Definitions[i].Name] = TensorData.ToArray<double>(gradients[i]);
        }

        return result;
    }
}
