using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;

namespace MLNet.HyperGrad.SearchSpaces;

public sealed partial class Parameter
{
    private const BindingFlags PublicInstance = BindingFlags.Public | BindingFlags.Instance;

    /// <summary>Converts this parameter to a .NET value.</summary>
    /// <typeparam name="T">
    /// The target: <see cref="double"/>, <see cref="float"/>, <see cref="decimal"/>, the integer types,
    /// <see cref="bool"/>, <see cref="string"/>, an enum (from a member name), a nullable of those,
    /// a one-dimensional array, <see cref="List{T}"/> or one of its read-only interfaces, a dictionary
    /// with string keys, a class or struct with a public parameterless constructor whose public
    /// settable properties or fields are named by the keys (a member's
    /// <see cref="JsonPropertyNameAttribute"/> name when it has one), <see cref="Parameter"/> itself, or
    /// <see cref="object"/> (long, double, bool, string, object[] or a dictionary).
    /// </typeparam>
    /// <returns>The converted value. An integer converts to a floating-point type; a number converts to an integer type only when it is whole and in range.</returns>
    /// <exception cref="InvalidCastException">
    /// The parameter, or one of its children, does not fit the target; the message names the key path
    /// (for example <c>Optimizer.Rates[3]</c>), the parameter's kind and value, and the target type.
    /// </exception>
    public T AsType<T>() => (T)ConvertTo(typeof(T), string.Empty, 0);

    /// <summary>Converts an array of numbers to a new <see cref="double"/> array (a copy; fast for dense arrays).</summary>
    /// <returns>The elements.</returns>
    /// <exception cref="InvalidCastException">The parameter is not an array, or an element is not a number.</exception>
    public double[] AsDoubleArray()
        => this.dense is not null ? (double[])this.dense.Clone() : (double[])ConvertTo(typeof(double[]), string.Empty, 0);

    /// <summary>Builds a parameter from a .NET value; <paramref name="path"/> names the value in messages.</summary>
    internal static Parameter FromValue(object? value, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException(
                $"'{path}' is nested more than {MaxDepth} levels deep; does the object graph have a cycle?");
        }

        switch (value)
        {
            case null:
                throw new ArgumentException($"'{path}' is null; a parameter cannot hold null.");
            case Parameter parameter:
                return parameter;
            case string s:
                return new Parameter(s);
            case bool b:
                return new Parameter(b);
            case char c:
                return new Parameter(c.ToString());
            case int i:
                return new Parameter((long)i);
            case long l:
                return new Parameter(l);
            case short sh:
                return new Parameter((long)sh);
            case byte by:
                return new Parameter((long)by);
            case sbyte sb:
                return new Parameter((long)sb);
            case ushort us:
                return new Parameter((long)us);
            case uint ui:
                return new Parameter((long)ui);
            case ulong ul when ul <= long.MaxValue:
                return new Parameter((long)ul);
            case ulong ul:
                throw new ArgumentException(
                    $"'{path}' is {ul.ToString(CultureInfo.InvariantCulture)}, above the largest integer parameter {long.MaxValue.ToString(CultureInfo.InvariantCulture)}.");
            case double d:
                CheckFinite(d, path);
                return new Parameter(d);
            case float f:
                CheckFinite(f, path);
                return new Parameter(WidenSingle(f));
            case decimal m:
                return new Parameter((double)m);
            case Enum e:
                return new Parameter(e.ToString());
            case double[] doubles:
                return WrapDense(CheckFiniteArray((double[])doubles.Clone(), path));
            case IEnumerable<double> doubles:
                return WrapDense(CheckFiniteArray([.. doubles], path));
            case IEnumerable<float> floats:
                return WrapDense(CheckFiniteArray([.. floats.Select(WidenSingle)], path));
            case IDictionary dictionary:
                return FromDictionary(dictionary, path, depth);
            case IEnumerable items:
                return FromItems(items, path, depth);
            default:
                return FromMembers(value, path, depth);
        }
    }

    /// <summary>Converts this parameter to <paramref name="type"/>; <paramref name="path"/> is its key path for messages.</summary>
    internal object ConvertTo(Type type, string path, int depth)
    {
        if (type == typeof(Parameter))
        {
            return this;
        }

        if (type == typeof(object))
        {
            return ToNatural();
        }

        if (depth > MaxDepth)
        {
            throw CastError(type, path, $"the target type nests more than {MaxDepth} levels");
        }

        Type target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(double))
        {
            return RequireReal(target, path);
        }

        if (target == typeof(float))
        {
            double d = RequireReal(target, path);
            return Math.Abs(d) <= float.MaxValue
                ? (float)d
                : throw CastError(target, path, "the value is outside the range of Single");
        }

        if (target == typeof(decimal))
        {
            double d = RequireReal(target, path);
            return Math.Abs(d) < 7.9e28
                ? (decimal)d
                : throw CastError(target, path, "the value is outside the range of Decimal");
        }

        if (IsIntegerType(target))
        {
            return ToIntegerType(target, path);
        }

        if (target == typeof(bool))
        {
            return ParameterType == ParameterType.Bool ? boolValue : throw CastError(target, path);
        }

        if (target == typeof(string))
        {
            return ParameterType == ParameterType.String ? stringValue! : throw CastError(target, path);
        }

        if (target == typeof(char))
        {
            return ParameterType == ParameterType.String && stringValue!.Length == 1
                ? stringValue[0]
                : throw CastError(target, path, "a Char needs a string of length 1");
        }

        if (target.IsEnum)
        {
            return ToEnum(target, path);
        }

        if (target.IsArray)
        {
            return ToArray(target, path, depth);
        }

        if (target.IsGenericType && TryToGenericCollection(target, path, depth, out object? collection))
        {
            return collection;
        }

        return ToMembers(target, path, depth);
    }

    private static Parameter FromDictionary(IDictionary dictionary, string path, int depth)
    {
        var map = new SortedDictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key is not string key)
            {
                throw new ArgumentException(
                    $"'{path}' is a dictionary with a key of type {entry.Key.GetType().Name}; an object parameter needs string keys.");
            }

            map[key] = FromValue(entry.Value, ChildPath(path, key), depth + 1);
        }

        return new Parameter(map);
    }

    private static Parameter FromItems(IEnumerable items, string path, int depth)
    {
        var list = new List<Parameter>();
        foreach (object? item in items)
        {
            list.Add(FromValue(item, IndexPath(path, list.Count), depth + 1));
        }

        return new Parameter([.. list]);
    }

    private static Parameter FromMembers(object value, string path, int depth)
    {
        Type type = value.GetType();
        if (type.IsValueType || type.IsPointer || typeof(Delegate).IsAssignableFrom(type) || typeof(MemberInfo).IsAssignableFrom(type))
        {
            throw new ArgumentException(
                $"'{path}' has type {TypeName(type)}, which is not a supported parameter value "
                + "(numbers, Booleans, strings, enums, arrays, lists, string-keyed dictionaries and classes with settable properties are).");
        }

        var map = new SortedDictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (PropertyInfo property in type.GetProperties(PublicInstance))
        {
            if (property.GetIndexParameters().Length == 0 && property.GetGetMethod() is not null && property.GetSetMethod() is not null
                && property.GetValue(value) is { } member)
            {
                string key = KeyOf(property);
                map[key] = FromValue(member, ChildPath(path, key), depth + 1);
            }
        }

        foreach (FieldInfo field in type.GetFields(PublicInstance))
        {
            if (!field.IsInitOnly && !field.IsLiteral && field.GetValue(value) is { } member)
            {
                string key = KeyOf(field);
                map[key] = FromValue(member, ChildPath(path, key), depth + 1);
            }
        }

        return new Parameter(map);
    }

    /// <summary>
    /// The key of a property or field in an object parameter: the name its
    /// <see cref="JsonPropertyNameAttribute"/> gives (as System.Text.Json, which ML.NET's <c>AsType</c>
    /// goes through, would use), else the member's own name.
    /// </summary>
    internal static string KeyOf(MemberInfo member) => member.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? member.Name;

    private static bool IsIntegerType(Type type)
        => type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
        || type == typeof(sbyte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong);

    private double RequireReal(Type target, string path) => ParameterType switch
    {
        ParameterType.Number => numberValue,
        ParameterType.Integer => integerValue,
        _ => throw CastError(target, path),
    };

    private object ToIntegerType(Type target, string path)
    {
        long whole;
        if (ParameterType == ParameterType.Integer)
        {
            whole = integerValue;
        }
        else if (ParameterType == ParameterType.Number && Math.Floor(numberValue) == numberValue
            && numberValue >= -9.2233720368547758E18 && numberValue < 9.2233720368547758E18)
        {
            whole = (long)numberValue;
        }
        else
        {
            throw CastError(target, path, ParameterType == ParameterType.Number ? "the number is not a whole number" : null);
        }

        object? result = Type.GetTypeCode(target) switch
        {
            TypeCode.Int64 => whole,
            TypeCode.Int32 when whole is >= int.MinValue and <= int.MaxValue => (int)whole,
            TypeCode.Int16 when whole is >= short.MinValue and <= short.MaxValue => (short)whole,
            TypeCode.SByte when whole is >= sbyte.MinValue and <= sbyte.MaxValue => (sbyte)whole,
            TypeCode.Byte when whole is >= byte.MinValue and <= byte.MaxValue => (byte)whole,
            TypeCode.UInt16 when whole is >= ushort.MinValue and <= ushort.MaxValue => (ushort)whole,
            TypeCode.UInt32 when whole is >= uint.MinValue and <= uint.MaxValue => (uint)whole,
            TypeCode.UInt64 when whole >= 0 => (ulong)whole,
            _ => null,
        };

        return result ?? throw CastError(target, path, $"the value is outside the range of {target.Name}");
    }

    private object ToEnum(Type target, string path)
    {
        if (ParameterType == ParameterType.String)
        {
            if (Enum.TryParse(target, stringValue, ignoreCase: false, out object? parsed)
                && (Enum.IsDefined(target, parsed) || target.IsDefined(typeof(FlagsAttribute), inherit: false)))
            {
                return parsed;
            }

            throw CastError(target, path, $"the members are [{string.Join(", ", Enum.GetNames(target))}]");
        }

        if (ParameterType == ParameterType.Integer)
        {
            object value = Enum.ToObject(target, integerValue);
            return Enum.IsDefined(target, value)
                ? value
                : throw CastError(target, path, $"the members are [{string.Join(", ", Enum.GetNames(target))}]");
        }

        throw CastError(target, path);
    }

    private object ToArray(Type target, string path, int depth)
    {
        if (target.GetArrayRank() != 1 || ParameterType != ParameterType.Array)
        {
            throw CastError(target, path, target.GetArrayRank() != 1 ? "only one-dimensional arrays are supported" : null);
        }

        Type element = target.GetElementType()!;
        if (element == typeof(double) && this.dense is not null)
        {
            return this.dense.Clone();
        }

        int count = Count;
        var result = Array.CreateInstance(element, count);
        for (int i = 0; i < count; i++)
        {
            result.SetValue(ElementAt(i).ConvertTo(element, IndexPath(path, i), depth + 1), i);
        }

        return result;
    }

    private bool TryToGenericCollection(Type target, string path, int depth, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object? result)
    {
        Type definition = target.GetGenericTypeDefinition();
        Type[] arguments = target.GetGenericArguments();
        if (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(ICollection<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>))
        {
            if (ParameterType != ParameterType.Array)
            {
                throw CastError(target, path);
            }

            if (arguments[0] == typeof(double) && this.dense is not null)
            {
                result = new List<double>(this.dense);
                return true;
            }

            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(arguments[0]), Count)!;
            for (int i = 0; i < Count; i++)
            {
                list.Add(ElementAt(i).ConvertTo(arguments[0], IndexPath(path, i), depth + 1));
            }

            result = list;
            return true;
        }

        if ((definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            && arguments[0] == typeof(string))
        {
            if (ParameterType != ParameterType.Object)
            {
                throw CastError(target, path);
            }

            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(arguments))!;
            foreach (KeyValuePair<string, Parameter> kv in objectValue!)
            {
                dictionary.Add(kv.Key, kv.Value.ConvertTo(arguments[1], ChildPath(path, kv.Key), depth + 1));
            }

            result = dictionary;
            return true;
        }

        result = null;
        return false;
    }

    private object ToMembers(Type target, string path, int depth)
    {
        if (ParameterType != ParameterType.Object)
        {
            throw CastError(target, path);
        }

        if (target.IsAbstract || target.IsInterface || target.IsPointer || typeof(Delegate).IsAssignableFrom(target))
        {
            throw CastError(target, path, "the target type cannot be instantiated");
        }

        object instance;
        try
        {
            instance = Activator.CreateInstance(target)!;
        }
        catch (MissingMethodException)
        {
            throw CastError(target, path, "the target type has no public parameterless constructor");
        }

        foreach (KeyValuePair<string, Parameter> kv in objectValue!)
        {
            string childPath = ChildPath(path, kv.Key);
            PropertyInfo? property = target.GetProperties(PublicInstance)
                .FirstOrDefault(p => KeyOf(p) == kv.Key && p.GetIndexParameters().Length == 0 && p.GetSetMethod() is not null);
            if (property is not null)
            {
                property.SetValue(instance, kv.Value.ConvertTo(property.PropertyType, childPath, depth + 1));
                continue;
            }

            FieldInfo? field = target.GetFields(PublicInstance).FirstOrDefault(f => KeyOf(f) == kv.Key);
            if (field is not null && !field.IsInitOnly && !field.IsLiteral)
            {
                field.SetValue(instance, kv.Value.ConvertTo(field.FieldType, childPath, depth + 1));
                continue;
            }

            throw new InvalidCastException(
                $"Cannot convert {Describe(path)} to {TypeName(target)}: key '{kv.Key}' matches no public settable property or field of {TypeName(target)}.");
        }

        return instance;
    }

    private object ToNatural() => ParameterType switch
    {
        ParameterType.Integer => integerValue,
        ParameterType.Number => numberValue,
        ParameterType.Bool => boolValue,
        ParameterType.String => stringValue!,
        ParameterType.Object => objectValue!.ToDictionary(kv => kv.Key, kv => kv.Value.ToNatural(), StringComparer.Ordinal),
        _ => Enumerable.Range(0, Count).Select(i => ElementAt(i).ToNatural()).ToArray(),
    };

    private Parameter ElementAt(int index) => this.dense is not null ? new Parameter(this.dense[index]) : this.items![index];

    private InvalidCastException CastError(Type target, string path, string? reason = null)
        => new($"Cannot convert {Describe(path)} ({ParameterType} {Preview()}) to {TypeName(target)}{(reason is null ? string.Empty : ": " + reason)}.");

    private static string Describe(string path) => path.Length == 0 ? "the parameter" : $"parameter '{path}'";

    /// <summary>The key path of a child: <c>a.b</c>, or <c>b</c> at the root.</summary>
    internal static string ChildPath(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary>The key path of an array element: <c>a[3]</c>.</summary>
    internal static string IndexPath(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>A readable type name for messages: <c>List&lt;Double&gt;</c>, <c>Int32[]</c>.</summary>
    internal static string TypeName(Type type)
    {
        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!) + "[]";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        string name = type.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick < 0 ? name : name[..tick]) + "<" + string.Join(", ", type.GetGenericArguments().Select(TypeName)) + ">";
    }
}
