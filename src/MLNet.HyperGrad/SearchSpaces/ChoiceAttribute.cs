using System.Collections.ObjectModel;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>Marks a property or field of a <see cref="SearchSpace{T}"/> class as a <see cref="ChoiceOption"/>.</summary>
/// <remarks>
/// Every candidate must convert to the member's type as <see cref="Parameter.AsType{T}"/> would
/// (for an enum member, enum values or member names; for a <see cref="double"/>, numbers); this is
/// checked when the search space is built and a mismatch is reported with the member's name.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class ChoiceAttribute : Attribute
{
    /// <summary>Marks a member with its candidates; the default is the candidate at the slot's mid-point.</summary>
    /// <param name="candidates">The candidates, at least one, all distinct.</param>
    public ChoiceAttribute(params object[] candidates)
    {
        Candidates = new ReadOnlyCollection<object>(candidates is null ? [] : [.. candidates]);
    }

    /// <summary>Marks a member with its candidates and a default candidate.</summary>
    /// <param name="candidates">The candidates, at least one, all distinct.</param>
    /// <param name="defaultValue">One of <paramref name="candidates"/>.</param>
    public ChoiceAttribute(object[] candidates, object defaultValue)
        : this(candidates)
    {
        DefaultValue = defaultValue;
    }

    /// <summary>Gets the candidates in slot order.</summary>
    public IReadOnlyList<object> Candidates { get; }

    /// <summary>Gets the default candidate, or null when none was given.</summary>
    public object? DefaultValue { get; }

    /// <summary>Builds the option for a member of type <paramref name="memberType"/>; <paramref name="where"/> names the member in messages.</summary>
    internal ChoiceOption CreateOption(Type memberType, string where)
    {
        ChoiceOption option;
        try
        {
            option = new ChoiceOption([.. Candidates], DefaultValue);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{where}: {UnitCube.BareMessage(ex)}", ex);
        }

        foreach (Parameter choice in option.EncodedChoices)
        {
            try
            {
                _ = choice.ConvertTo(memberType, string.Empty, 0);
            }
            catch (InvalidCastException ex)
            {
                throw new ArgumentException(
                    $"{where} has type {Parameter.TypeName(memberType)}, but its [Choice] candidate {choice.Preview()} does not convert to it: {ex.Message}", ex);
            }
        }

        return option;
    }
}
