using System.Globalization;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Bounds per hyperparameter, given in constrained units and applied to unconstrained values by clipping (projected outer steps); shared by the outer optimizers.</summary>
internal sealed class UnconstrainedBounds
{
    private readonly Dictionary<string, (double Min, double Max)> bounds = new(StringComparer.Ordinal);

    /// <summary>Keeps every element of a hyperparameter within [min, max] (constrained units).</summary>
    /// <param name="name">The hyperparameter's name.</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <param name="max">The largest value allowed, at least <paramref name="min"/>.</param>
    /// <exception cref="ArgumentException">The name is empty, or min is above max.</exception>
    public void Add(string name, double min, double max)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!(min <= max))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Bounds of \"{name}\": min {min} must not exceed max {max}."), nameof(min));
        }

        bounds[name] = (min, max);
    }

    /// <summary>Clips flat unconstrained values, in the set's definition order, to the bounds.</summary>
    /// <param name="set">The set whose definitions give the order and transforms.</param>
    /// <param name="u">The unconstrained values, changed in place.</param>
    public void Clip(HyperparameterSet set, double[] u)
    {
        int offset = 0;
        foreach (Hyperparameter d in set.Definitions)
        {
            if (bounds.TryGetValue(d.Name, out (double Min, double Max) b))
            {
                double lo = d.ToUnconstrained(b.Min);
                double hi = d.ToUnconstrained(b.Max);
                for (int i = offset; i < offset + d.ElementCount; i++)
                {
                    u[i] = Math.Clamp(u[i], lo, hi);
                }
            }

            offset += d.ElementCount;
        }
    }

    /// <summary>The layout text of a set (names and element counts), to check that successive steps use one layout.</summary>
    /// <param name="set">The set.</param>
    /// <returns>"name:count;…".</returns>
    public static string Layout(HyperparameterSet set) =>
        string.Join(";", set.Definitions.Select(d => d.Name + ":" + d.ElementCount.ToString(CultureInfo.InvariantCulture)));
}
