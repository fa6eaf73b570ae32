namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>Marks a <see cref="bool"/> property or field of a <see cref="SearchSpace{T}"/> class as <c>new ChoiceOption(true, false)</c>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class BooleanChoiceAttribute : Attribute
{
    /// <summary>Marks a member; the default is the choice at the slot's mid-point (<see langword="false"/>).</summary>
    public BooleanChoiceAttribute()
    {
    }

    /// <summary>Marks a member with a default value.</summary>
    /// <param name="defaultValue">The default value.</param>
    public BooleanChoiceAttribute(bool defaultValue)
    {
        DefaultValue = defaultValue;
    }

    /// <summary>Gets the default value, or null when none was given.</summary>
    public bool? DefaultValue { get; }

    /// <summary>Builds the option for a member of type <paramref name="memberType"/>; <paramref name="where"/> names the member in messages.</summary>
    internal ChoiceOption CreateOption(Type memberType, string where)
    {
        if ((Nullable.GetUnderlyingType(memberType) ?? memberType) != typeof(bool))
        {
            throw new ArgumentException(
                $"{where} has type {Parameter.TypeName(memberType)}, but [BooleanChoice] applies only to Boolean members.");
        }

        return new ChoiceOption([true, false], DefaultValue);
    }
}
