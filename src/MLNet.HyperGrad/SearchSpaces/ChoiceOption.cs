using System.Collections.ObjectModel;
using System.Globalization;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A categorical hyperparameter: one of a list of distinct scalar choices, each owning an equal-width bin of one slot.</summary>
/// <remarks>
/// <para>
/// With n choices, u in [0, 1] selects choice floor(u * n) (u = 1 selects the last); encoding gives
/// the centre of the choice's bin. The slot order is the order the choices are given in (ML.NET sorts
/// them; keeping the declared order makes the layout independent of culture and type). A single choice
/// takes no slot at all. The slot is piecewise constant, so it is not differentiable.
/// </para>
/// <para>
/// Choices are numbers, Booleans, strings, characters or enum members; they decode to the
/// corresponding <see cref="Parameter"/> kind (an enum member to its name). For Booleans use
/// <c>new ChoiceOption(true, false)</c>, which is what <see cref="Microsoft.ML.SearchSpace.BooleanChoiceAttribute"/> builds.
/// </para>
/// </remarks>
public sealed class ChoiceOption : OptionBase
{
    private readonly ReadOnlyCollection<object> choices;
    private readonly Parameter[] encoded;
    private readonly double defaultValue;

    /// <summary>Creates the option with no explicit default (the default is the choice at the slot's mid-point).</summary>
    /// <param name="choices">The choices, at least one, all distinct.</param>
    /// <exception cref="ArgumentException">There are no choices, a choice is null, unsupported or not finite, or two choices are equal.</exception>
    public ChoiceOption(params object[] choices)
        : this(choices, null)
    {
    }

    /// <summary>Creates the option with a default choice.</summary>
    /// <param name="choices">The choices, at least one, all distinct.</param>
    /// <param name="defaultChoice">One of <paramref name="choices"/>, or null for the choice at the slot's mid-point.</param>
    /// <exception cref="ArgumentException">
    /// There are no choices, a choice is null, unsupported or not finite, two choices are equal, or
    /// <paramref name="defaultChoice"/> is not one of the choices.
    /// </exception>
    public ChoiceOption(object[] choices, object? defaultChoice)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Length == 0)
        {
            throw new ArgumentException($"{nameof(ChoiceOption)} needs at least one choice, got none.", nameof(choices));
        }

        encoded = new Parameter[choices.Length];
        for (int i = 0; i < choices.Length; i++)
        {
            encoded[i] = Encode(choices[i], i, nameof(choices));
            for (int j = 0; j < i; j++)
            {
                if (encoded[j].Equals(encoded[i]))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"{nameof(ChoiceOption)}: choice {encoded[i].Preview()} appears at positions {j} and {i}; choices must be distinct."),
                        nameof(choices));
                }
            }
        }

        this.choices = new ReadOnlyCollection<object>([.. choices]);
        defaultValue = 0.5;
        if (defaultChoice is not null)
        {
            Parameter encodedDefault = Encode(defaultChoice, -1, nameof(defaultChoice));
            int index = IndexOf(encodedDefault);
            if (index < 0)
            {
                throw new ArgumentException(
                    $"{nameof(ChoiceOption)}: defaultChoice {encodedDefault.Preview()} is not one of the choices {ListChoices()}.",
                    nameof(defaultChoice));
            }

            defaultValue = BinCentre(index);
        }
    }

    /// <summary>Gets the choices in slot order.</summary>
    public IReadOnlyList<object> Choices => this.choices;

    /// <summary>Gets the choices as the parameters they decode to, in slot order.</summary>
    internal IReadOnlyList<Parameter> EncodedChoices => encoded;

    /// <inheritdoc />
    /// <value>1, or 0 when there is a single choice.</value>
    public override int FeatureSpaceDim => encoded.Length == 1 ? 0 : 1;

    /// <inheritdoc />
    public override double[] Default => FeatureSpaceDim == 0 ? [] : [defaultValue];

    /// <inheritdoc />
    /// <value>The number of choices (empty when there is a single choice).</value>
    public override int?[] Step => FeatureSpaceDim == 0 ? [] : [encoded.Length];

    /// <inheritdoc />
    public override Parameter SampleFromFeatureSpace(double[] values)
    {
        UnitCube.CheckFeatures(values, FeatureSpaceDim, ToString(), nameof(values));
        if (FeatureSpaceDim == 0)
        {
            return encoded[0];
        }

        int n = encoded.Length;
        double bin = Math.Floor(values[0] * n);
        return encoded[bin >= n ? n - 1 : (int)bin];
    }

    /// <inheritdoc />
    /// <remarks>A number matches a choice of the other numeric kind with the same value (<c>2</c> matches <c>2.0</c>).</remarks>
    public override double[] MappingToFeatureSpace(Parameter value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int index = IndexOf(value);
        if (index < 0)
        {
            throw new ArgumentException(
                $"{nameof(ChoiceOption)}: value {value.Preview()} is not one of the choices {ListChoices()}.", nameof(value));
        }

        return FeatureSpaceDim == 0 ? [] : [BinCentre(index)];
    }

    /// <inheritdoc />
    public override string ToString() => $"{nameof(ChoiceOption)}({ListChoices()})";

    /// <inheritdoc />
    protected internal override IEnumerable<FeatureDimension> DescribeFeatureSpace(string keyPath, int offset)
        => FeatureSpaceDim == 0
            ? []
            : [new FeatureDimension(offset, keyPath, FeatureDimensionKind.Categorical, encoded.Length, false, null, null)];

    private static Parameter Encode(object? choice, int position, string paramName)
    {
        string where = position < 0 ? paramName : string.Create(CultureInfo.InvariantCulture, $"choice {position}");
        if (choice is null)
        {
            throw new ArgumentException($"{nameof(ChoiceOption)}: {where} is null.", paramName);
        }

        Type type = choice.GetType();
        if (!(type.IsPrimitive || type.IsEnum || choice is string or decimal) || choice is nint or nuint)
        {
            throw new ArgumentException(
                $"{nameof(ChoiceOption)}: {where} has type {type.Name}; choices must be numbers, Booleans, strings, characters or enum members.",
                paramName);
        }

        try
        {
            return Parameter.FromValue(choice, where, 0);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{nameof(ChoiceOption)}: {UnitCube.BareMessage(ex)}", paramName, ex);
        }
    }

    private int IndexOf(Parameter value)
    {
        int index = Array.IndexOf(encoded, value);
        if (index >= 0 || value.ParameterType is not (ParameterType.Integer or ParameterType.Number))
        {
            return index;
        }

        double x = value.AsType<double>();
        return Array.FindIndex(encoded, c => c.ParameterType is ParameterType.Integer or ParameterType.Number && c.AsType<double>() == x);
    }

    private double BinCentre(int index) => (index + 0.5) / encoded.Length;

    private string ListChoices()
    {
        const int Shown = 10;
        string head = string.Join(", ", encoded.Take(Shown).Select(c => c.Preview()));
        return encoded.Length <= Shown
            ? $"[{head}]"
            : string.Create(CultureInfo.InvariantCulture, $"[{head}, ... ({encoded.Length} in all)]");
    }
}
