using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Reporting;

public sealed partial record ReportTrial
{
    /// <summary>The longest array of numbers that is listed element by element; a longer one is summarized by its mean.</summary>
    internal const int MaxListedArrayLength = 8;

    /// <summary>Flattens a nested hyperparameter tree into dotted key paths, as <see cref="Parameters"/> holds them.</summary>
    /// <param name="parameter">
    /// The tree, usually an object (<c>{"mlp": {"learning_rate": 0.01}}</c>). A scalar or array at the
    /// root is stored under the key <c>value</c>.
    /// </param>
    /// <returns>
    /// The values in ordinal key order: numbers as numbers (<c>mlp.learning_rate</c>), Booleans and
    /// strings as categorical strings (<c>true</c>, <c>relu</c>). An array of at most 8 numbers gives
    /// one key per element (<c>hidden[0]</c>, <c>hidden[1]</c>); a longer array of numbers is summarized
    /// by its mean under <c>key[mean]</c>; an array holding other kinds gives one key per element,
    /// flattened in turn. An empty object or array gives no key.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameter"/> is null.</exception>
    public static IReadOnlyDictionary<string, ReportValue> FlattenParameters(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var result = new SortedDictionary<string, ReportValue>(StringComparer.Ordinal);
        if (parameter.ParameterType == ParameterType.Object)
        {
            foreach (KeyValuePair<string, Parameter> child in parameter.Children)
            {
                Flatten(child.Value, child.Key, result);
            }
        }
        else
        {
            Flatten(parameter, "value", result);
        }

        return result;
    }

    /// <summary>Collects the arrays of numbers in a hyperparameter tree, whole, keyed by dotted path as <see cref="FlattenParameters"/> names them.</summary>
    /// <param name="parameter">The tree, as <see cref="FlattenParameters"/> takes it; a gradient-tuned trial's is an object of number arrays (<c>HyperparameterSet.ToParameter</c>).</param>
    /// <returns>
    /// Every non-empty array whose elements are all numbers, found in the root and in nested objects, in
    /// ordinal key order: <c>{"learning_rate": [0.1, 0.09], "mlp": {"l2": [1e-4]}}</c> gives
    /// <c>learning_rate</c> and <c>mlp.l2</c>. Arrays of other kinds, and what they hold, are left out.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameter"/> is null.</exception>
    public static IReadOnlyDictionary<string, IReadOnlyList<double>> CollectArrays(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var result = new SortedDictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
        CollectArraysInto(parameter, string.Empty, result);
        return result;
    }

    private static void CollectArraysInto(Parameter parameter, string path, SortedDictionary<string, IReadOnlyList<double>> result)
    {
        if (parameter.ParameterType == ParameterType.Object)
        {
            foreach (KeyValuePair<string, Parameter> child in parameter.Children)
            {
                CollectArraysInto(child.Value, path.Length == 0 ? child.Key : path + "." + child.Key, result);
            }
        }
        else if (parameter.ParameterType == ParameterType.Array && parameter.Count > 0 && TryNumbers(parameter, out double[]? numbers))
        {
            result[path.Length == 0 ? "value" : path] = numbers;
        }
    }

    /// <summary>Finds the selectors of conditional search spaces in a hyperparameter tree: the keys that name the chosen branch.</summary>
    /// <param name="parameter">The tree, as <see cref="FlattenParameters"/> takes it.</param>
    /// <returns>
    /// The dotted key paths (<c>pipeline.trainer</c>) of every string value that sits in an object of exactly two keys beside
    /// an object under the key it names: the shape a <see cref="ConditionalSearchSpace"/> samples,
    /// <c>{"trainer": "lightgbm", "lightgbm": {...}}</c>; nested ones included, in ordinal order.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameter"/> is null.</exception>
    public static IReadOnlyList<string> FindSelectors(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var result = new List<string>();
        CollectSelectors(parameter, string.Empty, result);
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static void CollectSelectors(Parameter parameter, string path, List<string> result)
    {
        if (parameter.ParameterType != ParameterType.Object)
        {
            return;
        }

        if (parameter.Count == 2)
        {
            foreach (KeyValuePair<string, Parameter> child in parameter.Children)
            {
                if (child.Value.ParameterType == ParameterType.String
                    && child.Value.AsType<string>() is string branch
                    && !string.Equals(branch, child.Key, StringComparison.Ordinal)
                    && parameter.TryGetValue(branch, out Parameter? chosen)
                    && chosen.ParameterType == ParameterType.Object)
                {
                    result.Add(path.Length == 0 ? child.Key : path + "." + child.Key);
                }
            }
        }

        foreach (KeyValuePair<string, Parameter> child in parameter.Children)
        {
            CollectSelectors(child.Value, path.Length == 0 ? child.Key : path + "." + child.Key, result);
        }
    }

    private static void Flatten(Parameter parameter, string path, SortedDictionary<string, ReportValue> result)
    {
        switch (parameter.ParameterType)
        {
            case ParameterType.Integer:
            case ParameterType.Number:
                result[path] = ReportValue.FromNumber(parameter.AsType<double>());
                break;
            case ParameterType.Bool:
                result[path] = ReportValue.FromText(parameter.AsType<bool>() ? "true" : "false");
                break;
            case ParameterType.String:
                result[path] = ReportValue.FromText(parameter.AsType<string>());
                break;
            case ParameterType.Object:
                foreach (KeyValuePair<string, Parameter> child in parameter.Children)
                {
                    Flatten(child.Value, path + "." + child.Key, result);
                }

                break;
            default:
                FlattenArray(parameter, path, result);
                break;
        }
    }

    private static void FlattenArray(Parameter array, string path, SortedDictionary<string, ReportValue> result)
    {
        int count = array.Count;
        if (count > MaxListedArrayLength && TryNumbers(array, out double[]? numbers))
        {
            result[path + "[mean]"] = ReportValue.FromNumber(Mean(numbers));
            return;
        }

        for (int i = 0; i < count; i++)
        {
            Flatten(array[i], path + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]", result);
        }
    }

    private static bool TryNumbers(Parameter array, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out double[]? numbers)
    {
        if (array.DenseStorage is double[] dense)
        {
            numbers = dense;
            return true;
        }

        numbers = new double[array.Count];
        for (int i = 0; i < numbers.Length; i++)
        {
            Parameter item = array[i];
            if (item.ParameterType is not (ParameterType.Integer or ParameterType.Number))
            {
                numbers = null;
                return false;
            }

            numbers[i] = item.AsType<double>();
        }

        return true;
    }

    private static double Mean(double[] values)
    {
        // Divide first so that a sum of large values cannot overflow to infinity.
        double mean = 0;
        foreach (double value in values)
        {
            mean += value / values.Length;
        }

        return mean;
    }
}
