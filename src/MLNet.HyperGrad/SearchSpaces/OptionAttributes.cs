using Microsoft.ML.SearchSpace;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>Builds options from ML.NET's search-space attributes (<see cref="RangeAttribute"/>, <see cref="ChoiceAttribute"/>, <see cref="BooleanChoiceAttribute"/>), checking them against the member they mark.</summary>
/// <remarks>
/// ML.NET's attributes (in Microsoft.ML.Core.dll) only store their arguments, and ML.NET's argument checks
/// compile out in Release; so every check is here, and a bad definition is reported with the member's name.
/// The type of a <see cref="RangeAttribute"/>'s bounds picks the option and must match the member:
/// <see cref="double"/> bounds build a <see cref="UniformDoubleOption"/> for a <see cref="double"/> member,
/// <see cref="float"/> bounds (<c>0.1f</c>) a <see cref="UniformSingleOption"/> for a <see cref="float"/>
/// member, <see cref="int"/> bounds a <see cref="UniformIntOption"/> for an <see cref="int"/> member or a
/// <see cref="UniformLongOption"/> for a <see cref="long"/> member.
/// </remarks>
internal static class OptionAttributes
{
    /// <summary>Whether <paramref name="attribute"/> is one of ML.NET's four search-space attributes.</summary>
    internal static bool IsOptionAttribute(Attribute attribute) =>
        attribute is RangeAttribute or ChoiceAttribute or BooleanChoiceAttribute or NestOptionAttribute;

    /// <summary>Builds the option of a <see cref="RangeAttribute"/> for a member of type <paramref name="memberType"/>; <paramref name="where"/> names the member in messages.</summary>
    internal static OptionBase FromRange(RangeAttribute range, Type memberType, string where)
    {
        Type type = Nullable.GetUnderlyingType(memberType) ?? memberType;
        Type bounds = range.Min.GetType();
        bool matches = bounds == typeof(double) ? type == typeof(double)
            : bounds == typeof(float) ? type == typeof(float)
            : bounds == typeof(int) && (type == typeof(int) || type == typeof(long));
        if (!matches || range.Max.GetType() != bounds || (range.Init is not null && range.Init.GetType() != bounds))
        {
            throw new ArgumentException(
                $"{where} has type {Parameter.TypeName(memberType)}, but its [Range] has {bounds.Name} bounds ({Parameter.FromValue(range.Min, "min", 0)}, {Parameter.FromValue(range.Max, "max", 0)}). "
                + "Use double bounds for a Double, float bounds (0.5f) for a Single and int bounds for an Int32 or an Int64.");
        }

        try
        {
            return bounds == typeof(double) ? new UniformDoubleOption((double)range.Min, (double)range.Max, range.LogBase, (double?)range.Init)
                : bounds == typeof(float) ? new UniformSingleOption((float)range.Min, (float)range.Max, range.LogBase, (float?)range.Init)
                : type == typeof(int) ? new UniformIntOption((int)range.Min, (int)range.Max, range.LogBase, (int?)range.Init)
                : new UniformLongOption((int)range.Min, (int)range.Max, range.LogBase, (int?)range.Init);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{where}: {UnitCube.BareMessage(ex)}", ex);
        }
    }

    /// <summary>Builds the option of a <see cref="ChoiceAttribute"/> for a member of type <paramref name="memberType"/>; every candidate must convert to it.</summary>
    internal static ChoiceOption FromChoice(ChoiceAttribute choice, Type memberType, string where)
    {
        ChoiceOption option;
        try
        {
            option = new ChoiceOption(choice.Candidates ?? [], choice.DefaultValue);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{where}: {UnitCube.BareMessage(ex)}", ex);
        }

        foreach (Parameter candidate in option.EncodedChoices)
        {
            try
            {
                _ = candidate.ConvertTo(memberType, string.Empty, 0);
            }
            catch (InvalidCastException ex)
            {
                throw new ArgumentException(
                    $"{where} has type {Parameter.TypeName(memberType)}, but its [Choice] candidate {candidate.Preview()} does not convert to it: {ex.Message}", ex);
            }
        }

        return option;
    }

    /// <summary>Builds <c>new ChoiceOption([true, false], default)</c> for a <see cref="bool"/> member carrying <see cref="BooleanChoiceAttribute"/> (ML.NET's default is <see langword="true"/>).</summary>
    internal static ChoiceOption FromBooleanChoice(BooleanChoiceAttribute boolean, Type memberType, string where)
    {
        if ((Nullable.GetUnderlyingType(memberType) ?? memberType) != typeof(bool))
        {
            throw new ArgumentException(
                $"{where} has type {Parameter.TypeName(memberType)}, but [BooleanChoice] applies only to Boolean members.");
        }

        return new ChoiceOption([true, false], boolean.DefaultValue);
    }
}
