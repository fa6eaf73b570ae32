namespace MLNet.HyperGrad.Torch;

/// <summary>
/// Frees, when disposed, every tensor created while it was the current scope and not moved out.
/// </summary>
/// <remarks>
/// The current scope flows with the logical call (an <see cref="AsyncLocal{T}"/>), so it survives
/// <c>await</c> and is separate for tasks that run in parallel (a task started inside a scope inherits
/// it; registration is thread-safe, but such a task should begin its own scope). Scopes nest; dispose them in reverse
/// order of creation. Typical use, one per training step:
/// <code>
/// using (var scope = DisposeScope.Begin())
/// {
///     Tensor loss = model.Loss(batch);
///     ...
///     result = loss.MoveToOuterDisposeScope();
/// }
/// </code>
/// </remarks>
public sealed class DisposeScope : IDisposable
{
    private static readonly AsyncLocal<DisposeScope?> CurrentScope = new();

    private readonly List<Tensor> owned = [];
    private readonly Lock gate = new();
    private bool disposed;

    private DisposeScope(DisposeScope? outer)
    {
        Outer = outer;
    }

    /// <summary>Gets the innermost scope of the current logical call, or null.</summary>
    public static DisposeScope? Current => CurrentScope.Value;

    /// <summary>Gets the scope this one is nested in, or null.</summary>
    public DisposeScope? Outer { get; }

    /// <summary>Gets the number of live tensors this scope will free.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return owned.Count(t => ReferenceEquals(t.OwnerScope, this) && !t.IsDisposed);
            }
        }
    }

    /// <summary>Opens a scope and makes it current.</summary>
    /// <returns>The scope; dispose it to free its tensors and restore the outer scope.</returns>
    public static DisposeScope Begin()
    {
        var scope = new DisposeScope(CurrentScope.Value);
        CurrentScope.Value = scope;
        return scope;
    }

    /// <summary>Frees every tensor the scope still owns and makes the outer scope current.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        Tensor[] tensors;
        lock (gate)
        {
            disposed = true;
            tensors = [.. owned];
            owned.Clear();
        }

        foreach (Tensor tensor in tensors)
        {
            if (ReferenceEquals(tensor.OwnerScope, this))
            {
                tensor.OwnerScope = null;
                tensor.Dispose();
            }
        }
        if (ReferenceEquals(CurrentScope.Value, this))
        {
            DisposeScope? next = Outer;
            while (next is { disposed: true })
            {
                next = next.Outer;
            }

            CurrentScope.Value = next;
        }
    }

    /// <summary>Takes ownership of a tensor created elsewhere.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <returns>The tensor.</returns>
    public Tensor Include(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(disposed, this);
        Adopt(tensor);
        return tensor;
    }

    internal static void Register(Tensor tensor)
    {
        CurrentScope.Value?.Adopt(tensor);
    }

    internal void Adopt(Tensor tensor)
    {
        lock (gate)
        {
            if (!disposed)
            {
                tensor.OwnerScope = this;
                owned.Add(tensor);
                return;
            }
        }

        // This scope is gone: hand the tensor to the next live scope out, or to the caller.
        tensor.OwnerScope = null;
        Outer?.Adopt(tensor);
    }
}
