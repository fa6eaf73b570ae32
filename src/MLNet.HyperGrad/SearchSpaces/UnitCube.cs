using System.Globalization;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>Checks on feature vectors and option definitions shared by every option.</summary>
internal static class UnitCube
{
    /// <summary>Checks that <paramref name="values"/> has <paramref name="expected"/> entries, each in [0, 1].</summary>
    public static void CheckFeatures(double[] values, int expected, string owner, string paramName)
    {
        ArgumentNullException.ThrowIfNull(values, paramName);
        if (values.Length != expected)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{owner} takes {expected} feature value{(expected == 1 ? string.Empty : "s")}, got {values.Length}."), paramName);
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!IsUnit(values[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{owner}: feature value {i} is {Parameter.Format(values[i])}; every feature value must lie in [0, 1]."), paramName);
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> lies in [0, 1] (false for NaN).</summary>
    public static bool IsUnit(double value) => value >= 0.0 && value <= 1.0;

    /// <summary>An array of <paramref name="length"/> copies of <paramref name="value"/>.</summary>
    public static double[] Repeat(double value, int length)
    {
        double[] result = new double[length];
        Array.Fill(result, value);
        return result;
    }

    /// <summary>Removes the " (Parameter 'x')" suffix that <see cref="ArgumentException.Message"/> appends, so a message can be wrapped.</summary>
    public static string BareMessage(ArgumentException exception)
    {
        string message = exception.Message;
        string suffix = exception.ParamName is null ? string.Empty : $" (Parameter '{exception.ParamName}')";
        return suffix.Length > 0 && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }
}
