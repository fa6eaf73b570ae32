using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>Lets <see cref="JsonSerializer"/> read and write <see cref="Parameter"/> with the same format as <see cref="Parameter.ToString"/>.</summary>
internal sealed class ParameterJsonConverter : JsonConverter<Parameter>
{
    /// <inheritdoc />
    public override Parameter Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        try
        {
            return Parameter.FromElement(document.RootElement, string.Empty, "json");
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Parameter value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        value.WriteTo(writer);
    }
}
