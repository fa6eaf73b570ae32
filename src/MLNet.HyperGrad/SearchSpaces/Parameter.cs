using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A JSON-like tree of hyperparameter values: what a tuner proposes and a trial runner reads.</summary>
/// <remarks>
/// <para>
/// A parameter is one of the kinds of <see cref="SearchSpaces.ParameterType"/>: an integer, a finite
/// number, a Boolean, a string, an object (string keys in ordinal order) or an array. Scalars and
/// arrays are immutable; objects can be changed through the string indexer. Children are stored by
/// reference, so a parameter placed in two objects is shared by both.
/// </para>
/// <para>
/// Arrays of numbers have a dense representation (<see cref="FromDoubleArray(double[])"/>,
/// <see cref="AsDoubleArray"/>) that stores one <see cref="double"/> per element, so that a
/// gradient-based tuner can propose thousands of values (a learning rate per iteration) cheaply.
/// Dense and element-by-element arrays with the same numbers are equal.
/// </para>
/// <para>
/// <see cref="ToString"/> writes compact JSON with invariant formatting and keys in ordinal order;
/// <see cref="FromJson(string)"/> reads it back to an equal parameter. Numbers always carry a
/// fraction or an exponent (<c>3.0</c>) so that the two numeric kinds survive the round trip.
/// Not thread-safe for mutation; concurrent reads are safe.
/// </para>
/// </remarks>
[JsonConverter(typeof(ParameterJsonConverter))]
public sealed partial class Parameter : IEquatable<Parameter>
{
    /// <summary>The deepest nesting accepted when converting objects, as a guard against cycles.</summary>
    internal const int MaxDepth = 64;

    private readonly long integerValue;
    private readonly double numberValue;
    private readonly bool boolValue;
    private readonly string? stringValue;
    private readonly SortedDictionary<string, Parameter>? objectValue;
    private readonly Parameter[]? items;
    private readonly double[]? dense;

    private Parameter(long value)
    {
        ParameterType = ParameterType.Integer;
        integerValue = value;
    }

    private Parameter(double value)
    {
        ParameterType = ParameterType.Number;
        numberValue = value;
    }

    private Parameter(bool value)
    {
        ParameterType = ParameterType.Bool;
        boolValue = value;
    }

    private Parameter(string value)
    {
        ParameterType = ParameterType.String;
        stringValue = value;
    }

    private Parameter(SortedDictionary<string, Parameter> value)
    {
        ParameterType = ParameterType.Object;
        objectValue = value;
    }

    private Parameter(Parameter[] items)
    {
        ParameterType = ParameterType.Array;
        this.items = items;
    }

    private Parameter(double[] dense)
    {
        ParameterType = ParameterType.Array;
        this.dense = dense;
    }

    /// <summary>Gets the kind of this parameter.</summary>
    public ParameterType ParameterType { get; }

    /// <summary>Gets the number of keys of an object or the number of elements of an array.</summary>
    /// <exception cref="InvalidOperationException">The parameter is a scalar.</exception>
    public int Count => ParameterType switch
    {
        ParameterType.Object => objectValue!.Count,
        ParameterType.Array => this.dense?.Length ?? this.items!.Length,
        _ => throw new InvalidOperationException(
            $"Count is defined for Object and Array parameters; this parameter is {ParameterType} ({Preview()})."),
    };

    /// <summary>Gets the keys of an object parameter in ordinal order (a snapshot).</summary>
    /// <exception cref="InvalidOperationException">The parameter is not an object.</exception>
    public IReadOnlyList<string> Keys => [.. RequireObject(nameof(Keys)).Keys];

    /// <summary>Gets or sets the child of an object parameter.</summary>
    /// <param name="key">The key; compared ordinally.</param>
    /// <returns>The child stored under <paramref name="key"/>.</returns>
    /// <exception cref="InvalidOperationException">The parameter is not an object.</exception>
    /// <exception cref="KeyNotFoundException">Getting a key that the object does not hold.</exception>
    /// <exception cref="ArgumentException">Setting a value that contains this parameter (a cycle).</exception>
    public Parameter this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            SortedDictionary<string, Parameter> map = RequireObject("The string indexer");
            if (map.TryGetValue(key, out Parameter? value))
            {
                return value;
            }

            throw new KeyNotFoundException(
                $"The parameter has no key \"{key}\"; its keys are [{string.Join(", ", map.Keys)}].");
        }

        set
        {
            ArgumentNullException.ThrowIfNull(key);
            ArgumentNullException.ThrowIfNull(value);
            SortedDictionary<string, Parameter> map = RequireObject("The string indexer");
            if (ReferenceEquals(value, this) || value.ContainsReference(this))
            {
                throw new ArgumentException(
                    $"Setting key \"{key}\" would make the parameter contain itself.", nameof(value));
            }

            map[key] = value;
        }
    }

    /// <summary>Gets an element of an array parameter.</summary>
    /// <param name="index">The zero-based position.</param>
    /// <returns>The element at <paramref name="index"/>.</returns>
    /// <exception cref="InvalidOperationException">The parameter is not an array.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public Parameter this[int index]
    {
        get
        {
            if (ParameterType != ParameterType.Array)
            {
                throw new InvalidOperationException(
                    $"The integer indexer is defined for Array parameters; this parameter is {ParameterType} ({Preview()}).");
            }

            int count = Count;
            if ((uint)index >= (uint)count)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(index), index, string.Create(CultureInfo.InvariantCulture, $"The array has {count} elements; valid positions are 0 to {count - 1}."));
            }

            return this.dense is not null ? new Parameter(this.dense[index]) : this.items![index];
        }
    }

    /// <summary>Creates a <see cref="ParameterType.Number"/> parameter.</summary>
    /// <param name="value">A finite number.</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentException"><paramref name="value"/> is NaN or infinite (JSON has no such numbers).</exception>
    public static Parameter FromDouble(double value)
    {
        CheckFinite(value, nameof(value));
        return new Parameter(value);
    }

    /// <summary>Creates a <see cref="ParameterType.Number"/> parameter from a single-precision number.</summary>
    /// <param name="value">A finite number.</param>
    /// <returns>
    /// The parameter. It holds the shortest decimal that reads back as <paramref name="value"/>
    /// (<c>0.1f</c> is stored and written as <c>0.1</c>); <c>AsType&lt;float&gt;()</c> gives
    /// <paramref name="value"/> back exactly.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="value"/> is NaN or infinite.</exception>
    public static Parameter FromFloat(float value)
    {
        CheckFinite(value, nameof(value));
        return new Parameter(WidenSingle(value));
    }

    /// <summary>Creates an <see cref="ParameterType.Integer"/> parameter.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The parameter.</returns>
    public static Parameter FromInt(int value) => new((long)value);

    /// <summary>Creates an <see cref="ParameterType.Integer"/> parameter.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The parameter.</returns>
    public static Parameter FromLong(long value) => new(value);

    /// <summary>Creates a <see cref="ParameterType.Bool"/> parameter.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The parameter.</returns>
    public static Parameter FromBool(bool value) => new(value);

    /// <summary>Creates a <see cref="ParameterType.String"/> parameter.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static Parameter FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new Parameter(value);
    }

    /// <summary>Creates a <see cref="ParameterType.String"/> parameter holding an enum member's name.</summary>
    /// <typeparam name="T">The enum type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The parameter; <c>AsType&lt;T&gt;()</c> parses the name back.</returns>
    public static Parameter FromEnum<T>(T value)
        where T : struct, Enum
        => new(value.ToString());

    /// <summary>Creates an <see cref="ParameterType.Array"/> parameter, one element per item.</summary>
    /// <typeparam name="T">The item type: anything <see cref="FromObject{T}(T)"/> accepts.</typeparam>
    /// <param name="values">The items; none may be null. Numbers (<see cref="double"/>, <see cref="float"/>) are stored densely.</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentException">An item is null, not finite, or of an unsupported type.</exception>
    public static Parameter FromIEnumerable<T>(IEnumerable<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return FromValue(values, nameof(values), 0);
    }

    /// <summary>Creates a dense <see cref="ParameterType.Array"/> parameter of numbers (the fast path for long vectors).</summary>
    /// <param name="values">The numbers, all finite; they are copied.</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentException">An element is NaN or infinite.</exception>
    public static Parameter FromDoubleArray(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return WrapDense(CheckFiniteArray((double[])values.Clone(), nameof(values)));
    }

    /// <summary>Creates a parameter from a value: scalars, enums, arrays and lists map to their kinds, other objects to an object of their properties.</summary>
    /// <typeparam name="T">The declared type of <paramref name="value"/>.</typeparam>
    /// <param name="value">
    /// The value. For a class or struct, every public instance property with a public getter and setter
    /// and every public writable field becomes a key, named by its
    /// <see cref="System.Text.Json.Serialization.JsonPropertyNameAttribute"/> if it has one (null members are left out); dictionaries with
    /// string keys become objects; a <see cref="Parameter"/> is returned as it is.
    /// </param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentException">A value is not finite, a type is unsupported, or nesting exceeds 64 levels.</exception>
    public static Parameter FromObject<T>(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return FromValue(value, nameof(value), 0);
    }

    /// <summary>Creates an <see cref="ParameterType.Object"/> parameter from key-value pairs.</summary>
    /// <param name="parameters">The children; a later duplicate key replaces an earlier one.</param>
    /// <returns>The parameter.</returns>
    public static Parameter CreateNestedParameter(params (string Key, Parameter Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var result = new Parameter(new SortedDictionary<string, Parameter>(StringComparer.Ordinal));
        foreach ((string key, Parameter value) in parameters)
        {
            result[key] = value;
        }

        return result;
    }

    /// <summary>Reports whether an object parameter holds a key.</summary>
    /// <param name="key">The key; compared ordinally.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    /// <exception cref="InvalidOperationException">The parameter is not an object.</exception>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RequireObject(nameof(ContainsKey)).ContainsKey(key);
    }

    /// <summary>Gets the child of an object parameter if the key is present.</summary>
    /// <param name="key">The key; compared ordinally.</param>
    /// <param name="value">The child, or null when the key is absent.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    /// <exception cref="InvalidOperationException">The parameter is not an object.</exception>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Parameter value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RequireObject(nameof(TryGetValue)).TryGetValue(key, out value);
    }

    /// <summary>Removes a key from an object parameter.</summary>
    /// <param name="key">The key; compared ordinally.</param>
    /// <returns><see langword="true"/> when the key was present.</returns>
    /// <exception cref="InvalidOperationException">The parameter is not an object.</exception>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RequireObject(nameof(Remove)).Remove(key);
    }

    /// <summary>Creates a dense array parameter that takes ownership of <paramref name="values"/> (no copy, no check).</summary>
    internal static Parameter WrapDense(double[] values) => new(values);

    /// <summary>Creates a number parameter without the finiteness check (the caller guarantees it).</summary>
    internal static Parameter NumberUnchecked(double value) => new(value);

    /// <summary>Gets the dense storage of an array parameter without copying, or null if it has none.</summary>
    internal double[]? DenseStorage => this.dense;

    /// <summary>Gets the enumeration of an object's children in ordinal key order.</summary>
    internal IEnumerable<KeyValuePair<string, Parameter>> Children => RequireObject("Enumeration");

    /// <summary>Copies objects and arrays deeply; scalars are immutable and shared.</summary>
    internal Parameter DeepClone() => ParameterType switch
    {
        ParameterType.Object => new Parameter(new SortedDictionary<string, Parameter>(
            objectValue!.ToDictionary(kv => kv.Key, kv => kv.Value.DeepClone(), StringComparer.Ordinal), StringComparer.Ordinal)),
        ParameterType.Array when this.dense is not null => WrapDense((double[])this.dense.Clone()),
        ParameterType.Array => new Parameter(Array.ConvertAll(this.items!, p => p.DeepClone())),
        _ => this,
    };

    /// <summary>Overlays <paramref name="overlay"/> on <paramref name="baseline"/>: objects merge key by key, anything else is replaced by the overlay.</summary>
    /// <returns>A new tree that shares nothing mutable with either input.</returns>
    internal static Parameter Merge(Parameter? baseline, Parameter overlay)
    {
        if (baseline is null || baseline.ParameterType != ParameterType.Object || overlay.ParameterType != ParameterType.Object)
        {
            return overlay.DeepClone();
        }

        Parameter result = baseline.DeepClone();
        foreach (KeyValuePair<string, Parameter> kv in overlay.objectValue!)
        {
            result.objectValue!.TryGetValue(kv.Key, out Parameter? existing);
            result.objectValue[kv.Key] = Merge(existing, kv.Value);
        }

        return result;
    }

    private static double WidenSingle(float value)
    {
        // The shortest decimal that reads back as the float, held as a double, so 0.1f is 0.1.
        Span<char> buffer = stackalloc char[32];
        if (value.TryFormat(buffer, out int written, "R", CultureInfo.InvariantCulture)
            && double.TryParse(buffer[..written], NumberStyles.Float, CultureInfo.InvariantCulture, out double shortest)
            && (float)shortest == value)
        {
            return shortest;
        }

        return value;
    }

    private static void CheckFinite(double value, string paramName)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(
                $"'{paramName}' must be a finite number (JSON has no NaN or infinity), got {Format(value)}.", paramName);
        }
    }

    private static double[] CheckFiniteArray(double[] values, string paramName)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Every element of '{paramName}' must be a finite number, got {Format(values[i])} at position {i}."), paramName);
            }
        }

        return values;
    }

    private SortedDictionary<string, Parameter> RequireObject(string member)
        => objectValue ?? throw new InvalidOperationException(
            $"{member} is defined for Object parameters; this parameter is {ParameterType} ({Preview()}).");

    private bool ContainsReference(Parameter target)
    {
        if (objectValue is not null)
        {
            foreach (Parameter child in objectValue.Values)
            {
                if (ReferenceEquals(child, target) || child.ContainsReference(target))
                {
                    return true;
                }
            }
        }
        else if (this.items is not null)
        {
            foreach (Parameter child in this.items)
            {
                if (ReferenceEquals(child, target) || child.ContainsReference(target))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Formats a number for messages: invariant culture, round-trip precision.</summary>
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A short description of this parameter for messages.</summary>
    internal string Preview() => ParameterType switch
    {
        ParameterType.Integer => integerValue.ToString(CultureInfo.InvariantCulture),
        ParameterType.Number => FormatNumber(numberValue),
        ParameterType.Bool => boolValue ? "true" : "false",
        ParameterType.String => stringValue!.Length <= 40 ? $"\"{stringValue}\"" : $"\"{stringValue[..40]}...\"",
        ParameterType.Object => objectValue!.Count <= 8
            ? $"object with keys [{string.Join(", ", objectValue.Keys)}]"
            : string.Create(CultureInfo.InvariantCulture, $"object with {objectValue.Count} keys"),
        _ => string.Create(CultureInfo.InvariantCulture, $"array of {Count} elements"),
    };
}
