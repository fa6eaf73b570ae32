using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MLNet.HyperGrad.Models;

/// <summary>
/// Free-form facts about how a <see cref="TrainedModel"/> was made: when, by which library version,
/// with which hyperparameters, and how well it did on validation data. Not used for prediction.
/// </summary>
/// <remarks>Immutable. The time is passed in (take it from a <see cref="TimeProvider"/>); nothing here reads a clock.</remarks>
public sealed class TrainedModelMetadata
{
    /// <summary>Creates metadata.</summary>
    /// <param name="createdAt">When the model was made; stored in UTC.</param>
    /// <param name="hyperparametersJson">
    /// The hyperparameters as JSON text (for example a tuner's <c>Parameter</c> serialized), or null.
    /// It is parsed and kept in compact form.
    /// </param>
    /// <param name="validationMetricName">The validation metric's name (for example <c>accuracy</c>), or null; given together with <paramref name="validationMetric"/>.</param>
    /// <param name="validationMetric">The validation metric's value, finite, or null.</param>
    /// <param name="libraryVersion">The MLNet.HyperGrad version that trained the model; null means <see cref="CurrentLibraryVersion"/>.</param>
    /// <exception cref="ArgumentException">
    /// The hyperparameters are not valid JSON, only one of the metric's name and value is given, the
    /// name is blank, the value is not finite, or the library version is blank.
    /// </exception>
    public TrainedModelMetadata(
        DateTimeOffset createdAt,
        string? hyperparametersJson = null,
        string? validationMetricName = null,
        double? validationMetric = null,
        string? libraryVersion = null)
    {
        if ((validationMetricName is null) != (validationMetric is null))
        {
            throw new ArgumentException(
                "Give both the validation metric's name and its value, or neither; found only the " + (validationMetricName is null ? "value." : "name."),
                nameof(validationMetricName));
        }

        if (validationMetricName is not null && string.IsNullOrWhiteSpace(validationMetricName))
        {
            throw new ArgumentException("The validation metric's name must not be blank.", nameof(validationMetricName));
        }

        if (validationMetric is double v && !double.IsFinite(v))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The validation metric must be finite; found {v}."), nameof(validationMetric));
        }

        if (libraryVersion is not null && string.IsNullOrWhiteSpace(libraryVersion))
        {
            throw new ArgumentException("The library version must not be blank; pass null for the current one.", nameof(libraryVersion));
        }

        CreatedAtUtc = createdAt.ToUniversalTime();
        HyperparametersJson = hyperparametersJson is null ? null : Compact(hyperparametersJson, nameof(hyperparametersJson));
        ValidationMetricName = validationMetricName;
        ValidationMetric = validationMetric;
        LibraryVersion = libraryVersion ?? CurrentLibraryVersion;
    }

    /// <summary>Gets the version of this MLNet.HyperGrad assembly (its informational version).</summary>
    public static string CurrentLibraryVersion { get; } =
        typeof(TrainedModelMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(TrainedModelMetadata).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>Gets when the model was made, in UTC (offset zero).</summary>
    public DateTimeOffset CreatedAtUtc { get; }

    /// <summary>Gets the MLNet.HyperGrad version that trained the model.</summary>
    public string LibraryVersion { get; }

    /// <summary>Gets the hyperparameters as compact JSON text, or null.</summary>
    public string? HyperparametersJson { get; }

    /// <summary>Gets the validation metric's name, or null.</summary>
    public string? ValidationMetricName { get; }

    /// <summary>Gets the validation metric's value, or null.</summary>
    public double? ValidationMetric { get; }

    private static string Compact(string json, string parameterName)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                document.RootElement.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The hyperparameters must be valid JSON: {e.Message}", parameterName, e);
        }
    }
}
