using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Models;

/// <summary>An ordered set of named tensors: the weights of a functional model, or its optimizer state.</summary>
/// <remarks>
/// The set owns its tensors: <see cref="Dispose"/> frees them. Tensors added to a set are taken out
/// of any TorchSharp dispose scope, so a training step's scope never frees the model.
/// </remarks>
public sealed class ParameterSet : IReadOnlyList<Tensor>, IDisposable
{
    private readonly List<string> names = [];
    private readonly List<Tensor> tensors = [];

    /// <summary>Gets the names, in order.</summary>
    public IReadOnlyList<string> Names => names;

    /// <inheritdoc />
    public int Count => tensors.Count;

    /// <summary>Gets the total number of scalar elements over all tensors.</summary>
    public long ElementCount => tensors.Sum(t => t.numel());

    /// <inheritdoc />
    public Tensor this[int index] => tensors[index];

    /// <summary>Gets a tensor by name.</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public Tensor this[string name]
    {
        get
        {
            int i = names.IndexOf(name);
            return i >= 0 ? tensors[i] : throw new KeyNotFoundException($"No parameter is named \"{name}\"; the set holds {string.Join(", ", names)}.");
        }
    }

    /// <summary>Adds a tensor, taking ownership of it.</summary>
    /// <param name="name">A unique name.</param>
    /// <param name="tensor">The tensor.</param>
    /// <exception cref="ArgumentException">The name is already used.</exception>
    public void Add(string name, Tensor tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(tensor);
        if (names.Contains(name))
        {
            throw new ArgumentException($"A parameter named \"{name}\" is already in the set.", nameof(name));
        }

        names.Add(name);
        tensors.Add(tensor.DetachFromDisposeScope());
    }

    /// <summary>Replaces the tensor of a name, freeing the old one.</summary>
    /// <param name="index">The position.</param>
    /// <param name="tensor">The new tensor (owned by the set from now on).</param>
    public void Replace(int index, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Tensor old = tensors[index];
        tensors[index] = tensor.DetachFromDisposeScope();
        if (!ReferenceEquals(old, tensor))
        {
            old.Dispose();
        }
    }

    /// <summary>A set of zeros shaped like this one (an optimizer's state, say).</summary>
    /// <returns>A new set with the same names.</returns>
    public ParameterSet ZerosLike()
    {
        var result = new ParameterSet();
        for (int i = 0; i < Count; i++)
        {
            result.Add(names[i], torch.zeros_like(tensors[i], requires_grad: false));
        }

        return result;
    }

    /// <summary>A deep copy, detached from autograd, with the same requires-grad flags.</summary>
    /// <returns>A new set.</returns>
    public ParameterSet Clone()
    {
        var result = new ParameterSet();
        for (int i = 0; i < Count; i++)
        {
            using Tensor detached = tensors[i].detach();
            result.Add(names[i], detached.clone().requires_grad_(tensors[i].requires_grad));
        }

        return result;
    }

    /// <summary>Copies every tensor's values into managed arrays (for saving or comparing).</summary>
    /// <returns>One float64 array per tensor, in order.</returns>
    public IReadOnlyList<double[]> ToArrays()
    {
        var result = new List<double[]>(Count);
        foreach (Tensor t in tensors)
        {
            using Tensor d = t.detach();
            using Tensor f = d.to(ScalarType.Float64, torch.CPU);
            result.Add(f.data<double>().ToArray());
        }

        return result;
    }

    /// <summary>Sets whether every tensor records autograd operations.</summary>
    /// <param name="requiresGrad">The flag.</param>
    public void SetRequiresGrad(bool requiresGrad)
    {
        foreach (Tensor t in tensors)
        {
            t.requires_grad_(requiresGrad);
        }
    }

    /// <inheritdoc />
    public IEnumerator<Tensor> GetEnumerator() => tensors.GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Frees every tensor.</summary>
    public void Dispose()
    {
        foreach (Tensor t in tensors)
        {
            t.Dispose();
        }

        tensors.Clear();
        names.Clear();
    }
}
