using System.Text.Json;

namespace MLNet.HyperGrad.Storage;

/// <summary>Argument checks and JSON comparisons that every study storage applies the same way.</summary>
internal static class StudyArguments
{
    private const int MaxJsonInMessage = 400;

    /// <summary>Checks the arguments of creating a study and copies its attributes.</summary>
    /// <param name="name">The study name; not empty.</param>
    /// <param name="taskDescription">The task description; not null.</param>
    /// <param name="searchSpaceJson">The search space; valid JSON.</param>
    /// <param name="direction">A defined direction.</param>
    /// <param name="attributes">The attributes, or <see langword="null"/>.</param>
    /// <returns>A copy of the attributes (empty for <see langword="null"/>).</returns>
    internal static Dictionary<string, string> CheckStudy(
        string name,
        string taskDescription,
        string searchSpaceJson,
        StudyDirection direction,
        IReadOnlyDictionary<string, string>? attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(taskDescription);
        CheckJson(searchSpaceJson, nameof(searchSpaceJson));
        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Expected StudyDirection.Minimize or StudyDirection.Maximize.");
        }

        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        if (attributes is not null)
        {
            foreach (KeyValuePair<string, string> pair in attributes)
            {
                CheckAttribute(pair.Key, pair.Value, nameof(attributes));
                copy[pair.Key] = pair.Value;
            }
        }

        return copy;
    }

    /// <summary>Checks one study attribute.</summary>
    /// <param name="key">Not empty.</param>
    /// <param name="value">Not null.</param>
    /// <param name="parameterName">The parameter to blame.</param>
    internal static void CheckAttribute(string key, string value, string parameterName)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("A study attribute key must not be null or empty.", parameterName);
        }

        if (value is null)
        {
            throw new ArgumentException($"The study attribute '{key}' has a null value; use an empty string instead.", parameterName);
        }
    }

    /// <summary>Checks that a text is one valid JSON value.</summary>
    /// <param name="json">The text.</param>
    /// <param name="parameterName">The parameter to blame.</param>
    internal static void CheckJson(string json, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(json, parameterName);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Expected valid JSON text, got {Shorten(json)}: {ex.Message}", parameterName, ex);
        }
    }

    /// <summary>Checks an optional duration.</summary>
    /// <param name="durationMilliseconds">Finite and not negative, or <see langword="null"/>.</param>
    /// <param name="parameterName">The parameter to blame.</param>
    internal static void CheckDuration(double? durationMilliseconds, string parameterName)
    {
        if (durationMilliseconds is double d && (!double.IsFinite(d) || d < 0))
        {
            throw new ArgumentOutOfRangeException(parameterName, d, "A duration in milliseconds must be finite and not negative.");
        }
    }

    /// <summary>Whether two JSON texts hold the same value, ignoring whitespace and the order of object members.</summary>
    /// <param name="left">Valid JSON text.</param>
    /// <param name="right">Valid JSON text.</param>
    /// <returns>Whether the values are equal (numbers by value).</returns>
    internal static bool SameJson(string left, string right)
    {
        if (string.Equals(left, right, StringComparison.Ordinal))
        {
            return true;
        }

        using JsonDocument a = JsonDocument.Parse(left);
        using JsonDocument b = JsonDocument.Parse(right);
        return JsonElement.DeepEquals(a.RootElement, b.RootElement);
    }

    /// <summary>Quotes a text for a message, cut to a readable length.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The quoted text, with the number of characters left out when it was cut.</returns>
    internal static string Shorten(string text) =>
        text.Length <= MaxJsonInMessage
            ? $"'{text}'"
            : $"'{text[..MaxJsonInMessage]}...' ({text.Length - MaxJsonInMessage} more characters)";
}
