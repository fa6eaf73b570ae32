using System.Globalization;

namespace MLNet.HyperGrad.Reporting;

/// <summary>One hyperparameter value in a report: either a number or a string (a categorical value).</summary>
/// <remarks>
/// Numbers are drawn on numeric axes; strings (including Booleans written as <c>true</c>/<c>false</c>)
/// are drawn as evenly spaced categories. Exactly one of <see cref="Number"/> and <see cref="Text"/> is set.
/// </remarks>
public sealed record ReportValue
{
    private ReportValue(double? number, string? text)
    {
        Number = number;
        Text = text;
    }

    /// <summary>Gets the number, or null when the value is categorical.</summary>
    public double? Number { get; }

    /// <summary>Gets the categorical value, or null when the value is a number.</summary>
    public string? Text { get; }

    /// <summary>Gets a value indicating whether the value is a number.</summary>
    public bool IsNumber => Number.HasValue;

    /// <summary>Creates a numeric value.</summary>
    /// <param name="value">The number; NaN and infinities are kept and written as <c>NaN</c>, <c>Infinity</c>.</param>
    /// <returns>The value.</returns>
    public static ReportValue FromNumber(double value) => new(value, null);

    /// <summary>Creates a categorical value.</summary>
    /// <param name="value">The category; any text, escaped wherever it is written.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static ReportValue FromText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new ReportValue(null, value);
    }

    /// <summary>Converts a number to a numeric value (same as <see cref="FromNumber(double)"/>).</summary>
    /// <param name="value">The number.</param>
    public static implicit operator ReportValue(double value) => FromNumber(value);

    /// <summary>Converts a string to a categorical value (same as <see cref="FromText(string)"/>).</summary>
    /// <param name="value">The category.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static implicit operator ReportValue(string value) => FromText(value);

    /// <summary>Writes the value: a number with invariant round-trip formatting (<c>0.001</c>), a string as it is.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
        => Number is double number ? number.ToString("R", CultureInfo.InvariantCulture) : Text!;
}
