using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Named hyperparameter tensors, held as unconstrained float64 values; mapped to and from <see cref="Parameter"/>.</summary>
/// <remarks>
/// Plain data, no native tensors: <see cref="CreateTensors"/> makes the autograd leaves of one
/// hypergradient computation. Typical members: a learning rate and a momentum per step or per block of
/// steps (<c>learning_rate</c>, shape [T]; <c>momentum</c>, shape [T]), an L2 coefficient per layer
/// (<c>l2</c>, shape [layers]) or per weight (<c>l2.w0</c>, shaped like the weight), an init scale per
/// layer (<c>init_scale</c>, shape [layers]). Not thread-safe for mutation.
/// </remarks>
public sealed class HyperparameterSet
{
    private readonly List<Hyperparameter> definitions = [];
    private readonly Dictionary<string, double[]> unconstrained = new(StringComparer.Ordinal);

    /// <summary>Gets the definitions, in the order they were added (the order of flattened vectors).</summary>
    public IReadOnlyList<Hyperparameter> Definitions => definitions;

    /// <summary>Gets the total number of scalar hyperparameters.</summary>
    public int ElementCount => definitions.Sum(d => d.ElementCount);

    /// <summary>Adds a hyperparameter filled with one value.</summary>
    /// <param name="definition">The definition; its name must be new.</param>
    /// <param name="value">The value of every element, in the transform's domain.</param>
    /// <returns>This set.</returns>
    /// <exception cref="ArgumentException">The name is already present.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the transform's domain.</exception>
    public HyperparameterSet Add(Hyperparameter definition, double value)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Add(definition, Enumerable.Repeat(value, definition.ElementCount).ToArray());
    }

    /// <summary>Adds a hyperparameter with one value per element.</summary>
    /// <param name="definition">The definition; its name must be new.</param>
    /// <param name="values">The values (not unconstrained), row-major, <see cref="Hyperparameter.ElementCount"/> of them.</param>
    /// <returns>This set.</returns>
    /// <exception cref="ArgumentException">The name is already present, or the count is wrong.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside the transform's domain.</exception>
    public HyperparameterSet Add(Hyperparameter definition, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(values);
        if (unconstrained.ContainsKey(definition.Name))
        {
            throw new ArgumentException($"The set already holds a hyperparameter \"{definition.Name}\".", nameof(definition));
        }

        CheckCount(definition, values.Count, nameof(values));
        unconstrained[definition.Name] = values.Select(definition.ToUnconstrained).ToArray();
        definitions.Add(definition);
        return this;
    }

    /// <summary>Whether a hyperparameter of this name is present.</summary>
    /// <param name="name">The name.</param>
    /// <returns>True if present.</returns>
    public bool Contains(string name) => unconstrained.ContainsKey(name);

    /// <summary>Gets a hyperparameter's definition.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="KeyNotFoundException">No such hyperparameter.</exception>
    public Hyperparameter Definition(string name) =>
        definitions.Find(d => d.Name == name) ?? throw Missing(name);

    /// <summary>Gets a hyperparameter's values (not unconstrained).</summary>
    /// <param name="name">The name.</param>
    /// <returns>A new array, row-major.</returns>
    /// <exception cref="KeyNotFoundException">No such hyperparameter.</exception>
    public double[] Values(string name)
    {
        Hyperparameter d = Definition(name);
        return unconstrained[name].Select(d.FromUnconstrained).ToArray();
    }

    /// <summary>Gets a hyperparameter's unconstrained values.</summary>
    /// <param name="name">The name.</param>
    /// <returns>A new array, row-major.</returns>
    /// <exception cref="KeyNotFoundException">No such hyperparameter.</exception>
    public double[] UnconstrainedValues(string name) =>
        unconstrained.TryGetValue(name, out double[]? u) ? (double[])u.Clone() : throw Missing(name);

    /// <summary>Replaces a hyperparameter's unconstrained values (an outer optimizer's step).</summary>
    /// <param name="name">The name.</param>
    /// <param name="values">The unconstrained values, all finite.</param>
    /// <exception cref="KeyNotFoundException">No such hyperparameter.</exception>
    /// <exception cref="ArgumentException">The count is wrong or a value is not finite.</exception>
    public void SetUnconstrained(string name, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Hyperparameter d = Definition(name);
        CheckCount(d, values.Count, nameof(values));
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"Hyperparameter \"{name}\": unconstrained value {i} is {values[i]}; expected a finite number.", nameof(values));
            }
        }

        unconstrained[name] = [.. values];
    }

    /// <summary>All unconstrained values, concatenated in definition order.</summary>
    /// <returns>A new array of <see cref="ElementCount"/> values.</returns>
    public double[] FlattenUnconstrained() => definitions.SelectMany(d => unconstrained[d.Name]).ToArray();

    /// <summary>A copy of this set with all unconstrained values replaced (for finite differences and outer steps).</summary>
    /// <param name="flat">The unconstrained values in definition order, <see cref="ElementCount"/> of them.</param>
    /// <returns>A new set with the same definitions.</returns>
    /// <exception cref="ArgumentException">The count is wrong or a value is not finite.</exception>
    public HyperparameterSet WithUnconstrained(IReadOnlyList<double> flat)
    {
        ArgumentNullException.ThrowIfNull(flat);
        if (flat.Count != ElementCount)
        {
            throw new ArgumentException($"Expected {ElementCount} unconstrained values (the set's element count); got {flat.Count}.", nameof(flat));
        }

        var copy = new HyperparameterSet();
        int offset = 0;
        foreach (Hyperparameter d in definitions)
        {
            copy.definitions.Add(d);
            copy.unconstrained[d.Name] = [];
            copy.SetUnconstrained(d.Name, flat.Skip(offset).Take(d.ElementCount).ToArray());
            offset += d.ElementCount;
        }

        return copy;
    }

    /// <summary>The values as a <see cref="Parameter"/>: an object with one dense number array per name (values, not unconstrained).</summary>
    /// <returns>A new parameter.</returns>
    public Parameter ToParameter()
    {
        Parameter result = Parameter.CreateNestedParameter();
        foreach (Hyperparameter d in definitions)
        {
            result[d.Name] = Parameter.FromDoubleArray(Values(d.Name));
        }

        return result;
    }

    /// <summary>Reads values from a <see cref="Parameter"/> written by <see cref="ToParameter"/> (or a tuner).</summary>
    /// <param name="parameter">An object with a number array (or, for one-element hyperparameters, a number) per definition.</param>
    /// <param name="definitions">The definitions to read, in order.</param>
    /// <returns>A new set.</returns>
    /// <exception cref="ArgumentException">A key is missing, an entry is not numeric, or has the wrong count.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its transform's domain.</exception>
    public static HyperparameterSet FromParameter(Parameter parameter, IEnumerable<Hyperparameter> definitions)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(definitions);
        if (parameter.ParameterType != ParameterType.Object)
        {
            throw new ArgumentException($"Expected an object parameter with one entry per hyperparameter; got {parameter.ParameterType}.", nameof(parameter));
        }

        var set = new HyperparameterSet();
        foreach (Hyperparameter d in definitions)
        {
            if (!parameter.Keys.Contains(d.Name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"The parameter has no entry \"{d.Name}\"; its keys are [{string.Join(", ", parameter.Keys)}].", nameof(parameter));
            }

            Parameter entry = parameter[d.Name];
            double[] values = entry.ParameterType switch
            {
                ParameterType.Array => entry.AsDoubleArray(),
                ParameterType.Number or ParameterType.Integer => [entry.AsType<double>()],
                _ => throw new ArgumentException($"Entry \"{d.Name}\" is {entry.ParameterType}; expected a number array.", nameof(parameter)),
            };
            set.Add(d, values);
        }

        return set;
    }

    /// <summary>Creates the autograd leaves of one computation: one float64 tensor per hyperparameter, unconstrained, requiring grad.</summary>
    /// <returns>The tensors; they belong to the current dispose scope.</returns>
    public HyperparameterTensors CreateTensors() => new(this);

    private static void CheckCount(Hyperparameter d, int count, string argument)
    {
        if (count != d.ElementCount)
        {
            throw new ArgumentException($"Hyperparameter \"{d.Name}\" of shape [{string.Join(", ", d.Shape)}] needs {d.ElementCount} values; got {count}.", argument);
        }
    }

    private static KeyNotFoundException Missing(string name) => new($"No hyperparameter \"{name}\" in the set.");
}
