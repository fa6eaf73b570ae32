using System.Collections;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A dictionary of named options (or nested search spaces) laid out in the unit cube: the one place that knows hyperparameter types.</summary>
/// <remarks>
/// <para>
/// Keys are kept in ordinal order (<see cref="string.CompareOrdinal(string, string)"/>: <c>"B"</c>
/// before <c>"a"</c>, <c>"item10"</c> before <c>"item2"</c>), and each option takes
/// <see cref="OptionBase.FeatureSpaceDim"/> consecutive slots of the feature vector in that order, so
/// the layout does not depend on the order of insertion or on the culture (ML.NET sorts with the
/// current culture). A nested search space is an option whose slots are those of its own keys.
/// </para>
/// <para>
/// Tuners propose points of [0, 1]^<see cref="FeatureSpaceDim"/>; <see cref="SampleFromFeatureSpace"/>
/// decodes one to an object <see cref="Parameter"/> and <see cref="MappingToFeatureSpace"/> encodes
/// back. <see cref="FeatureDimensions"/> says which slots are differentiable: integer and choice slots are
/// piecewise constant, and gradient-based tuners hold them fixed.
/// </para>
/// <para>Not thread-safe for mutation; once built, concurrent sampling and mapping are safe.</para>
/// </remarks>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "The name mirrors ML.NET's SearchSpace, which users of AutoML know.")]
public partial class SearchSpace : OptionBase, IDictionary<string, OptionBase>
{
    private readonly SortedDictionary<string, OptionBase> options = new(StringComparer.Ordinal);

    /// <summary>Creates an empty search space.</summary>
    public SearchSpace()
    {
    }

    /// <summary>Creates a search space from key-option pairs.</summary>
    /// <param name="options">The options; keys must be distinct and non-empty.</param>
    /// <exception cref="ArgumentException">A key is empty or repeated, or a nested search space would contain itself.</exception>
    public SearchSpace(params KeyValuePair<string, OptionBase>[] options)
        : this((IEnumerable<KeyValuePair<string, OptionBase>>)options)
    {
    }

    /// <summary>Creates a search space from key-option pairs.</summary>
    /// <param name="options">The options; keys must be distinct and non-empty.</param>
    /// <exception cref="ArgumentException">A key is empty or repeated, or a nested search space would contain itself.</exception>
    public SearchSpace(IEnumerable<KeyValuePair<string, OptionBase>> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (KeyValuePair<string, OptionBase> kv in options)
        {
            Add(kv.Key, kv.Value);
        }
    }

    /// <inheritdoc />
    /// <value>The sum of the options' dimensions.</value>
    public sealed override int FeatureSpaceDim => this.options.Values.Sum(o => o.FeatureSpaceDim);

    /// <inheritdoc />
    /// <value>The options' defaults in slot order (each option's default, or the mid-point of its slots).</value>
    public sealed override double[] Default => DefaultFrom(null, string.Empty, "Default");

    /// <inheritdoc />
    public sealed override int?[] Step => [.. this.options.Values.SelectMany(o => o.Step)];

    /// <summary>Gets one description per slot, in slot order: key path, kind, and whether it is differentiable.</summary>
    /// <remarks>
    /// Integer and categorical slots decode through a floor and are piecewise constant, so they are not
    /// differentiable; the stated relaxation is that gradient-based tuners hold them fixed and leave them
    /// to a black-box tuner.
    /// </remarks>
    public IReadOnlyList<FeatureDimension> FeatureDimensions
        => new ReadOnlyCollection<FeatureDimension>([.. DescribeFeatureSpace(string.Empty, 0)]);

    /// <summary>Gets the keys in ordinal order, which is the slot order.</summary>
    public ICollection<string> Keys => this.options.Keys;

    /// <summary>Gets the options in key (slot) order.</summary>
    public ICollection<OptionBase> Values => this.options.Values;

    /// <summary>Gets the number of keys.</summary>
    public int Count => this.options.Count;

    /// <summary>Gets a value indicating whether the search space is read-only (it is not).</summary>
    public bool IsReadOnly => false;

    /// <summary>Gets or sets the option stored under a key.</summary>
    /// <param name="key">The key; compared ordinally.</param>
    /// <returns>The option.</returns>
    /// <exception cref="KeyNotFoundException">Getting a key that the search space does not hold.</exception>
    /// <exception cref="ArgumentException">Setting an empty key, or a nested search space that would contain itself.</exception>
    public OptionBase this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            return this.options.TryGetValue(key, out OptionBase? option)
                ? option
                : throw new KeyNotFoundException($"The search space has no key \"{key}\"; its keys are [{string.Join(", ", this.options.Keys)}].");
        }

        set
        {
            CheckEntry(key, value);
            this.options[key] = value;
        }
    }

    /// <inheritdoc />
    /// <param name="values">A point of the unit cube, length <see cref="FeatureSpaceDim"/>, every entry in [0, 1].</param>
    /// <returns>An object parameter with one child per key.</returns>
    /// <exception cref="ArgumentException">The length is wrong or an entry is NaN or outside [0, 1]; the message names the entry's key path.</exception>
    public sealed override Parameter SampleFromFeatureSpace(double[] values)
    {
        CheckFeatureVector(values, nameof(values));
        var result = Parameter.CreateNestedParameter();
        int offset = 0;
        foreach (KeyValuePair<string, OptionBase> kv in this.options)
        {
            int dim = kv.Value.FeatureSpaceDim;
            result[kv.Key] = kv.Value.SampleFromFeatureSpace(values.AsSpan(offset, dim).ToArray());
            offset += dim;
        }

        return this.defaults is null ? result : Parameter.Merge(this.defaults, result);
    }

    /// <inheritdoc />
    /// <param name="value">An object parameter holding every key of the search space (other keys are ignored).</param>
    /// <exception cref="ArgumentException">A key is missing or a value does not fit its option; the message names the key path.</exception>
    public sealed override double[] MappingToFeatureSpace(Parameter value)
    {
        ArgumentNullException.ThrowIfNull(value);
        double[] result = new double[FeatureSpaceDim];
        MapInto(value, string.Empty, result, 0, nameof(value));
        return result;
    }

    /// <summary>Adds an option.</summary>
    /// <param name="key">The key: non-empty and not yet present.</param>
    /// <param name="value">The option or nested search space.</param>
    /// <exception cref="ArgumentException">The key is empty or already present, or a nested search space would contain itself.</exception>
    public void Add(string key, OptionBase value)
    {
        CheckEntry(key, value);
        if (!this.options.TryAdd(key, value))
        {
            throw new ArgumentException(
                $"The search space already has an option with key \"{key}\" ({this.options[key]}); keys must be distinct.", nameof(key));
        }
    }

    /// <summary>Adds an option.</summary>
    /// <param name="item">The key and option.</param>
    /// <exception cref="ArgumentException">The key is empty or already present, or a nested search space would contain itself.</exception>
    public void Add(KeyValuePair<string, OptionBase> item) => Add(item.Key, item.Value);

    /// <summary>Reports whether a key is present.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return this.options.ContainsKey(key);
    }

    /// <summary>Reports whether a key is present with this very option.</summary>
    /// <param name="item">The key and option.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(KeyValuePair<string, OptionBase> item)
        => ((ICollection<KeyValuePair<string, OptionBase>>)this.options).Contains(item);

    /// <summary>Gets the option stored under a key, if any.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The option, or null when absent.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out OptionBase value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return this.options.TryGetValue(key, out value);
    }

    /// <summary>Removes a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when the key was present.</returns>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return this.options.Remove(key);
    }

    /// <summary>Removes a key if it holds this very option.</summary>
    /// <param name="item">The key and option.</param>
    /// <returns><see langword="true"/> when removed.</returns>
    public bool Remove(KeyValuePair<string, OptionBase> item)
        => ((ICollection<KeyValuePair<string, OptionBase>>)this.options).Remove(item);

    /// <summary>Removes every key.</summary>
    public void Clear() => this.options.Clear();

    /// <summary>Copies the entries, in key order, to an array.</summary>
    /// <param name="array">The destination.</param>
    /// <param name="arrayIndex">The first position written.</param>
    public void CopyTo(KeyValuePair<string, OptionBase>[] array, int arrayIndex) => this.options.CopyTo(array, arrayIndex);

    /// <summary>Enumerates the entries in key (slot) order.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<KeyValuePair<string, OptionBase>> GetEnumerator() => this.options.GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Describes the search space: its keys and options in slot order.</summary>
    /// <returns>For example <c>SearchSpace(lr: UniformDoubleOption(min: 1E-05, max: 1, logBase: true), layers: UniformIntOption(...))</c>.</returns>
    public override string ToString()
        => $"{nameof(SearchSpace)}({string.Join(", ", this.options.Select(kv => $"{kv.Key}: {kv.Value}"))})";

    /// <inheritdoc />
    protected internal sealed override IEnumerable<FeatureDimension> DescribeFeatureSpace(string keyPath, int offset)
    {
        foreach (KeyValuePair<string, OptionBase> kv in this.options)
        {
            foreach (FeatureDimension dimension in kv.Value.DescribeFeatureSpace(Parameter.ChildPath(keyPath, kv.Key), offset))
            {
                yield return dimension;
            }

            offset += kv.Value.FeatureSpaceDim;
        }
    }

    private void CheckEntry(string key, OptionBase value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key.Length == 0)
        {
            throw new ArgumentException("A search space key must not be empty.", nameof(key));
        }

        if ((value is SearchSpace nested && (ReferenceEquals(nested, this) || nested.Nests(this)))
            || (value is ConditionalSearchSpace conditional && conditional.Nests(this)))
        {
            throw new ArgumentException($"Adding key \"{key}\" would make the search space contain itself.", nameof(value));
        }
    }

    /// <summary>Whether <paramref name="target"/> lies somewhere inside this space, through nested and conditional spaces.</summary>
    internal bool Nests(SearchSpace target) => this.options.Values.Any(o => o switch
    {
        SearchSpace s => ReferenceEquals(s, target) || s.Nests(target),
        ConditionalSearchSpace c => c.Nests(target),
        _ => false,
    });

    private void CheckFeatureVector(double[] values, string paramName)
    {
        ArgumentNullException.ThrowIfNull(values, paramName);
        int dim = FeatureSpaceDim;
        if (values.Length != dim)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The search space has {dim} feature dimensions (keys [{string.Join(", ", this.options.Keys)}]), got a feature vector of length {values.Length}."),
                paramName);
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!UnitCube.IsUnit(values[i]))
            {
                string key = DescribeFeatureSpace(string.Empty, 0).ElementAtOrDefault(i)?.KeyPath ?? "?";
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Feature value {i} (key '{key}') is {Parameter.Format(values[i])}; every feature value must lie in [0, 1]."),
                    paramName);
            }
        }
    }

    private void MapInto(Parameter value, string path, double[] destination, int offset, string paramName)
    {
        if (value.ParameterType != ParameterType.Object)
        {
            throw new ArgumentException(
                $"{(path.Length == 0 ? "The parameter" : $"Parameter '{path}'")} must be an Object with keys [{string.Join(", ", this.options.Keys)}], got {value.ParameterType} {value.Preview()}.",
                paramName);
        }

        foreach (KeyValuePair<string, OptionBase> kv in this.options)
        {
            string childPath = Parameter.ChildPath(path, kv.Key);
            if (!value.TryGetValue(kv.Key, out Parameter? child))
            {
                throw new ArgumentException(
                    $"The parameter has no key '{childPath}', which the search space needs; {(path.Length == 0 ? "its" : $"'{path}' has")} keys [{string.Join(", ", value.Keys)}].",
                    paramName);
            }

            int dim = kv.Value.FeatureSpaceDim;
            if (kv.Value is SearchSpace nested)
            {
                nested.MapInto(child, childPath, destination, offset, paramName);
            }
            else
            {
                double[] encoded;
                try
                {
                    encoded = kv.Value.MappingToFeatureSpace(child);
                }
                catch (ArgumentException ex)
                {
                    throw new ArgumentException($"Parameter '{childPath}': {UnitCube.BareMessage(ex)}", paramName, ex);
                }

                if (encoded.Length != dim)
                {
                    throw new InvalidOperationException(
                        string.Create(CultureInfo.InvariantCulture, $"The option under '{childPath}' ({kv.Value}) declares {dim} dimensions but encoded {encoded.Length} values."));
                }

                encoded.CopyTo(destination, offset);
            }

            offset += dim;
        }
    }

    /// <summary>The default feature vector, with values from <paramref name="defaults"/> (an object parameter) overriding the options' defaults.</summary>
    private double[] DefaultFrom(Parameter? defaults, string path, string paramName)
    {
        defaults ??= this.defaults;
        double[] result = new double[FeatureSpaceDim];
        int offset = 0;
        foreach (KeyValuePair<string, OptionBase> kv in this.options)
        {
            string childPath = Parameter.ChildPath(path, kv.Key);
            Parameter? child = null;
            if (defaults is { ParameterType: ParameterType.Object })
            {
                defaults.TryGetValue(kv.Key, out child);
            }

            double[] encoded;
            if (kv.Value is SearchSpace nested)
            {
                encoded = nested.DefaultFrom(child, childPath, paramName);
            }
            else if (child is null)
            {
                encoded = kv.Value.Default;
            }
            else
            {
                try
                {
                    encoded = kv.Value.MappingToFeatureSpace(child);
                }
                catch (ArgumentException ex)
                {
                    throw new ArgumentException($"The default value of '{childPath}' does not fit its option: {UnitCube.BareMessage(ex)}", paramName, ex);
                }
            }

            encoded.CopyTo(result, offset);
            offset += kv.Value.FeatureSpaceDim;
        }

        return result;
    }
}
