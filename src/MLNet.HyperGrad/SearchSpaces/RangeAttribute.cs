namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>Marks a property or field of a <see cref="SearchSpace{T}"/> class as a uniform numeric option over [min, max].</summary>
/// <remarks>
/// The type of the bounds picks the option and must match the member: <see cref="double"/> bounds
/// build a <see cref="UniformDoubleOption"/> for a <see cref="double"/> member, <see cref="float"/>
/// bounds (<c>0.1f</c>) a <see cref="UniformSingleOption"/> for a <see cref="float"/> member,
/// <see cref="int"/> bounds a <see cref="UniformIntOption"/> for an <see cref="int"/> (or
/// <see cref="long"/>) member, and <see cref="long"/> bounds a <see cref="UniformLongOption"/> for a
/// <see cref="long"/> member. The bounds are checked when the search space is built, and a bad
/// definition is reported with the member's name.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class RangeAttribute : Attribute
{
    private readonly RangeKind kind;

    /// <summary>Marks a <see cref="double"/> member.</summary>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="logBase">Whether to use a log scale. The default is <see langword="false"/>.</param>
    public RangeAttribute(double min, double max, bool logBase = false)
        : this(RangeKind.Double, min, max, null, logBase)
    {
    }

    /// <summary>Marks a <see cref="double"/> member with a default value.</summary>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="init">The default value.</param>
    /// <param name="logBase">Whether to use a log scale. The default is <see langword="false"/>.</param>
    public RangeAttribute(double min, double max, double init, bool logBase = false)
        : this(RangeKind.Double, min, max, init, logBase)
    {
    }

    /// <summary>Marks a <see cref="float"/> member.</summary>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="logBase">Whether to use a log scale. The default is <see langword="false"/>.</param>
    public RangeAttribute(float min, float max, bool logBase = false)
        : this(RangeKind.Single, min, max, null, logBase)
    {
    }

    /// <summary>Marks a <see cref="float"/> member with a default value.</summary>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="init">The default value.</param>
    /// <param name="logBase">Whether to use a log scale. The default is <see langword="false"/>.</param>
    public RangeAttribute(float min, float max, float init, bool logBase = false)
        : this(RangeKind.Single, min, max, init, logBase)
    {
    }

    /// <summary>Marks an <see cref="int"/> (or <see cref="long"/>) member.</summary>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="logBase">Whether the integer bins are equal in log space. The default is <see langword="false"/>.</param>
    public RangeAttribute(int min, int max, bool logBase = false)
        : this(RangeKind.Int32, min, max, null, logBase)
    {
    }

    /// <summary>Marks an <see cref="int"/> (or <see cref="long"/>) member with a default value.</summary>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="init">The default value.</param>
    /// <param name="logBase">Whether the integer bins are equal in log space. The default is <see langword="false"/>.</param>
    public RangeAttribute(int min, int max, int init, bool logBase = false)
        : this(RangeKind.Int32, min, max, init, logBase)
    {
    }

    /// <summary>Marks a <see cref="long"/> member.</summary>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="logBase">Whether the integer bins are equal in log space. The default is <see langword="false"/>.</param>
    public RangeAttribute(long min, long max, bool logBase = false)
        : this(RangeKind.Int64, min, max, null, logBase)
    {
    }

    /// <summary>Marks a <see cref="long"/> member with a default value.</summary>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="init">The default value.</param>
    /// <param name="logBase">Whether the integer bins are equal in log space. The default is <see langword="false"/>.</param>
    public RangeAttribute(long min, long max, long init, bool logBase = false)
        : this(RangeKind.Int64, min, max, init, logBase)
    {
    }

    private RangeAttribute(RangeKind kind, object min, object max, object? init, bool logBase)
    {
        this.kind = kind;
        Min = min;
        Max = max;
        Init = init;
        LogBase = logBase;
    }

    private enum RangeKind
    {
        Double,
        Single,
        Int32,
        Int64,
    }

    /// <summary>Gets the smallest value, boxed as the type of the bounds.</summary>
    public object Min { get; }

    /// <summary>Gets the largest value, boxed as the type of the bounds.</summary>
    public object Max { get; }

    /// <summary>Gets the default value, boxed as the type of the bounds, or null when none was given.</summary>
    public object? Init { get; }

    /// <summary>Gets a value indicating whether the option uses a log scale.</summary>
    public bool LogBase { get; }

    /// <summary>Builds the option for a member of type <paramref name="memberType"/>; <paramref name="where"/> names the member in messages.</summary>
    internal OptionBase CreateOption(Type memberType, string where)
    {
        Type type = Nullable.GetUnderlyingType(memberType) ?? memberType;
        bool matches = this.kind switch
        {
            RangeKind.Double => type == typeof(double),
            RangeKind.Single => type == typeof(float),
            RangeKind.Int32 => type == typeof(int) || type == typeof(long),
            _ => type == typeof(long),
        };
        if (!matches)
        {
            string bounds = this.kind switch
            {
                RangeKind.Double => "Double",
                RangeKind.Single => "Single",
                RangeKind.Int32 => "Int32",
                _ => "Int64",
            };
            throw new ArgumentException(
                $"{where} has type {Parameter.TypeName(memberType)}, but its [Range] has {bounds} bounds ({Parameter.FromValue(Min, "min", 0)}, {Parameter.FromValue(Max, "max", 0)}). "
                + "Use double bounds for a Double, float bounds (0.5f) for a Single, int bounds for an Int32 and int or long bounds for an Int64.");
        }

        try
        {
            return this.kind switch
            {
                RangeKind.Double => new UniformDoubleOption((double)Min, (double)Max, LogBase, (double?)Init),
                RangeKind.Single => new UniformSingleOption((float)Min, (float)Max, LogBase, (float?)Init),
                RangeKind.Int32 when type == typeof(int) => new UniformIntOption((int)Min, (int)Max, LogBase, (int?)Init),
                RangeKind.Int32 => new UniformLongOption((int)Min, (int)Max, LogBase, (int?)Init),
                _ => new UniformLongOption((long)Min, (long)Max, LogBase, (long?)Init),
            };
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{where}: {UnitCube.BareMessage(ex)}", ex);
        }
    }
}
