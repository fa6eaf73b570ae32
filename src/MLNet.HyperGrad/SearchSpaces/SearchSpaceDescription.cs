using System.Globalization;
using System.Text.Json;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>The description of a search space that a study stores, and what differs between two of them.</summary>
/// <remarks>
/// The description lists the slots of <see cref="SearchSpace.FeatureDimensions"/> in slot order: key path,
/// kind, levels, log scale, min and max (as round-trip text). A resumed study must tune the same
/// space; when the stored description and the run's differ, <see cref="Compare"/> says which option
/// changed and how, so that the message can name it ("mlp.epochs: max 5 in the study, 20 in this run")
/// rather than quoting both descriptions.
/// </remarks>
public static class SearchSpaceDescription
{
    /// <summary>Describes a search space as JSON, derived from its options alone.</summary>
    /// <param name="space">The space.</param>
    /// <returns>
    /// A JSON array with one object per slot: <c>key</c>, <c>kind</c>, <c>levels</c>, <c>log</c>, <c>min</c>, <c>max</c>;
    /// in a <see cref="ConditionalSearchSpace"/> also <c>branches</c> (the selector slot's branch names, comma-separated)
    /// and <c>when</c> (a branch slot's conditions: <c>pipeline.trainer = lightgbm</c>).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="space"/> is null.</exception>
    public static string ToJson(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        var slots = new List<Dictionary<string, object?>>();
        foreach (FeatureDimension d in space.FeatureDimensions)
        {
            var slot = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["key"] = d.KeyPath,
                ["kind"] = d.Kind.ToString(),
                ["levels"] = d.Levels,
                ["log"] = d.IsLogScale,
                ["min"] = d.Min?.ToString("R", CultureInfo.InvariantCulture),
                ["max"] = d.Max?.ToString("R", CultureInfo.InvariantCulture),
            };

            // Written only for conditional spaces, so that the descriptions existing studies store stay byte-identical.
            if (d.Branches is not null)
            {
                slot["branches"] = string.Join(",", d.Branches);
            }

            if (d.ActiveWhen.Count > 0)
            {
                slot["when"] = string.Join(" and ", d.ActiveWhen);
            }

            slots.Add(slot);
        }

        return JsonSerializer.Serialize(slots);
    }

    /// <summary>Lists how a search space differs from a stored description.</summary>
    /// <param name="storedJson">A description written by <see cref="ToJson"/>, usually a study's.</param>
    /// <param name="space">The space of this run.</param>
    /// <returns>
    /// The differences, by key path: an option present in only one of the two, or a property (kind, log
    /// scale, min, max, levels, and for conditional spaces the selector's branches and a slot's condition) with another value. Levels are left out when min, max or the branches differ, since
    /// they follow from those. Empty when the two describe the same space. A stored text that is
    /// not a description gives one difference with key path <c>*</c>.
    /// </returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IReadOnlyList<SearchSpaceDifference> Compare(string storedJson, SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(storedJson);
        ArgumentNullException.ThrowIfNull(space);
        string currentJson = ToJson(space);
        if (!TryRead(storedJson, out Dictionary<string, Slot>? stored))
        {
            return [new SearchSpaceDifference("*", "description", Shorten(storedJson), Shorten(currentJson))];
        }

        TryRead(currentJson, out Dictionary<string, Slot>? current);
        var differences = new List<SearchSpaceDifference>();
        foreach (string key in stored.Keys.Union(current!.Keys).Order(StringComparer.Ordinal))
        {
            bool inStudy = stored.TryGetValue(key, out Slot? before);
            bool inRun = current.TryGetValue(key, out Slot? now);
            if (!inStudy || !inRun)
            {
                differences.Add(new SearchSpaceDifference(key, "presence", inStudy ? "present" : null, inRun ? "present" : null));
                continue;
            }

            Add(differences, key, "kind", before!.Kind, now!.Kind);
            Add(differences, key, "branches", before.Branches, now.Branches);
            Add(differences, key, "when", before.When, now.When);
            Add(differences, key, "log", before.Log, now.Log);
            Add(differences, key, "min", before.Min, now.Min);
            Add(differences, key, "max", before.Max, now.Max);
            if (before.Min == now.Min && before.Max == now.Max && before.Branches == now.Branches)
            {
                Add(differences, key, "levels", before.Levels, now.Levels);
            }
        }

        return differences;
    }

    private static void Add(List<SearchSpaceDifference> differences, string key, string property, string? study, string? run)
    {
        if (!string.Equals(study, run, StringComparison.Ordinal))
        {
            differences.Add(new SearchSpaceDifference(key, property, study, run));
        }
    }

    private static bool TryRead(string json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Dictionary<string, Slot>? slots)
    {
        slots = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            var result = new Dictionary<string, Slot>(StringComparer.Ordinal);
            foreach (JsonElement item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("key", out JsonElement key) || key.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                result[key.GetString()!] = new Slot(Text(item, "kind"), Text(item, "levels"), Text(item, "log"), Text(item, "min"), Text(item, "max"), Text(item, "branches"), Text(item, "when"));
            }

            slots = result;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A property as text: strings as they are, numbers and Booleans as JSON writes them, null or absent as null.</summary>
    private static string? Text(JsonElement item, string name) =>
        !item.TryGetProperty(name, out JsonElement value) ? null : value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => value.GetRawText(),
        };

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";

    private sealed record Slot(string? Kind, string? Levels, string? Log, string? Min, string? Max, string? Branches, string? When);
}
