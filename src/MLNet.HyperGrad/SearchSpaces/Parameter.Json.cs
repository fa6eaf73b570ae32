using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MLNet.HyperGrad.SearchSpaces;

public sealed partial class Parameter
{
    private static readonly JsonWriterOptions CompactWriter = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Writes this parameter as compact JSON: invariant formatting, object keys in ordinal order.</summary>
    /// <returns>
    /// The JSON text, for example <c>{"B":true,"a":[0.5,1.0],"n":3}</c>. Numbers always carry a
    /// fraction or an exponent, integers never do, so <see cref="FromJson(string)"/> restores the kinds.
    /// </returns>
    public override string ToString()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CompactWriter))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a parameter from JSON text.</summary>
    /// <param name="json">
    /// A JSON value. A number with a fraction or exponent becomes a <see cref="ParameterType.Number"/>,
    /// one without becomes an <see cref="ParameterType.Integer"/> (or a number when it exceeds 64 bits);
    /// an array of numbers is stored densely.
    /// </param>
    /// <returns>The parameter.</returns>
    /// <exception cref="ArgumentException">
    /// The text is not valid JSON, holds <c>null</c>, repeats a key, or has a number outside the range of
    /// <see cref="double"/>; the message names the place.
    /// </exception>
    public static Parameter FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The text is not valid JSON: {ex.Message}", nameof(json), ex);
        }

        using (document)
        {
            return FromElement(document.RootElement, string.Empty, nameof(json));
        }
    }

    /// <summary>Writes this parameter to a JSON writer (used by <see cref="ToString"/> and the serializer converter).</summary>
    internal void WriteTo(Utf8JsonWriter writer)
    {
        switch (ParameterType)
        {
            case ParameterType.Integer:
                writer.WriteNumberValue(integerValue);
                break;
            case ParameterType.Number:
                WriteNumber(writer, numberValue);
                break;
            case ParameterType.Bool:
                writer.WriteBooleanValue(boolValue);
                break;
            case ParameterType.String:
                writer.WriteStringValue(stringValue);
                break;
            case ParameterType.Object:
                writer.WriteStartObject();
                foreach (KeyValuePair<string, Parameter> kv in objectValue!)
                {
                    writer.WritePropertyName(kv.Key);
                    kv.Value.WriteTo(writer);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteStartArray();
                if (this.dense is not null)
                {
                    foreach (double value in this.dense)
                    {
                        WriteNumber(writer, value);
                    }
                }
                else
                {
                    foreach (Parameter item in this.items!)
                    {
                        item.WriteTo(writer);
                    }
                }

                writer.WriteEndArray();
                break;
        }
    }

    /// <summary>Builds a parameter from a parsed JSON element; <paramref name="path"/> locates it in messages.</summary>
    internal static Parameter FromElement(JsonElement element, string path, string paramName)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new SortedDictionary<string, Parameter>(StringComparer.Ordinal);
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    string childPath = ChildPath(path, property.Name);
                    if (!map.TryAdd(property.Name, FromElement(property.Value, childPath, paramName)))
                    {
                        throw new ArgumentException($"The JSON object repeats the key '{childPath}'.", paramName);
                    }
                }

                return new Parameter(map);
            case JsonValueKind.Array:
                int length = element.GetArrayLength();
                bool allNumbers = true;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    allNumbers &= item.ValueKind == JsonValueKind.Number && IsFractionalLiteral(item.GetRawText());
                }

                if (allNumbers && length > 0)
                {
                    double[] dense = new double[length];
                    int i = 0;
                    foreach (JsonElement item in element.EnumerateArray())
                    {
                        dense[i] = ReadDouble(item, IndexPath(path, i), paramName);
                        i++;
                    }

                    return WrapDense(dense);
                }

                var items = new Parameter[length];
                int index = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    items[index] = FromElement(item, IndexPath(path, index), paramName);
                    index++;
                }

                return new Parameter(items);
            case JsonValueKind.String:
                return new Parameter(element.GetString()!);
            case JsonValueKind.True:
                return new Parameter(true);
            case JsonValueKind.False:
                return new Parameter(false);
            case JsonValueKind.Number:
                return !IsFractionalLiteral(element.GetRawText()) && element.TryGetInt64(out long whole)
                    ? new Parameter(whole)
                    : new Parameter(ReadDouble(element, path, paramName));
            default:
                throw new ArgumentException(
                    $"JSON {element.ValueKind.ToString().ToLowerInvariant()} at '{(path.Length == 0 ? "(root)" : path)}' is not a parameter value.",
                    paramName);
        }
    }

    /// <summary>Formats a number so that it reads back as a <see cref="ParameterType.Number"/>: <c>3.0</c>, <c>0.1</c>, <c>1E-05</c>.</summary>
    internal static string FormatNumber(double value)
    {
        string text = Format(value);
        return text.AsSpan().IndexOfAny('.', 'E', 'e') >= 0 ? text : text + ".0";
    }

    private static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        Span<char> buffer = stackalloc char[40];
        if (!value.TryFormat(buffer, out int written, "R", CultureInfo.InvariantCulture))
        {
            writer.WriteRawValue(FormatNumber(value), skipInputValidation: true);
            return;
        }

        if (buffer[..written].IndexOfAny('.', 'E', 'e') < 0)
        {
            buffer[written++] = '.';
            buffer[written++] = '0';
        }

        writer.WriteRawValue(buffer[..written], skipInputValidation: true);
    }

    private static bool IsFractionalLiteral(string raw) => raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0;

    private static double ReadDouble(JsonElement element, string path, string paramName)
    {
        if (element.TryGetDouble(out double value) && double.IsFinite(value))
        {
            return value;
        }

        throw new ArgumentException(
            $"The JSON number {element.GetRawText()} at '{(path.Length == 0 ? "(root)" : path)}' is outside the range of Double.", paramName);
    }
}
