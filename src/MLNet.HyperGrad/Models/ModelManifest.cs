using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Models;

/// <summary>
/// The <c>model.json</c> format of a saved <see cref="TrainedModel"/>: everything but the weights, and
/// the length and SHA-256 of <c>weights.bin</c>.
/// </summary>
/// <remarks>
/// <code>
/// {
///   "format": "MLNet.HyperGrad.Mlp",          // TrainedModel.FormatName
///   "formatVersion": 1,                       // TrainedModel.FormatVersion
///   "task": "Classification",                 // or "Regression"
///   "layerSizes": [13, 16, 3],
///   "activation": "Relu",                     // "Tanh", "Softplus"
///   "featureNames": ["alcohol", …],
///   "classNames": ["class_0", …],             // [] for regression
///   "schema": { … } | null,                   // TabularSchema.ToJson, embedded
///   "standardizer": { … } | null,             // Standardizer.ToJson, embedded
///   "weights": { "file": "weights.bin", "byteLength": 1234, "sha256": "…" },
///   "metadata": {
///     "createdAtUtc": "2025-01-31T12:00:00.0000000+00:00",
///     "libraryVersion": "1.0.0",
///     "hyperparameters": { … } | null,
///     "validationMetric": { "name": "accuracy", "value": 0.97 } | null
///   }
/// }
/// </code>
/// Properties this version does not know are ignored; an incompatible change raises the version.
/// </remarks>
internal static class ModelManifest
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the manifest as UTF-8 JSON.</summary>
    public static byte[] Serialize(TrainedModel model, long weightsLength, string sha256)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("format", TrainedModel.FormatName);
            w.WriteNumber("formatVersion", TrainedModel.FormatVersion);
            w.WriteString("task", model.Task.ToString());
            w.WriteStartArray("layerSizes");
            foreach (int size in model.LayerSizes)
            {
                w.WriteNumberValue(size);
            }

            w.WriteEndArray();
            w.WriteString("activation", model.Activation.ToString());
            WriteStrings(w, "featureNames", model.FeatureNames);
            WriteStrings(w, "classNames", model.ClassNames);
            WriteEmbedded(w, "schema", model.Schema?.ToJson());
            WriteEmbedded(w, "standardizer", model.Standardizer?.ToJson());
            w.WriteStartObject("weights");
            w.WriteString("file", TrainedModel.WeightsFileName);
            w.WriteNumber("byteLength", weightsLength);
            w.WriteString("sha256", sha256);
            w.WriteEndObject();
            TrainedModelMetadata m = model.Metadata;
            w.WriteStartObject("metadata");
            w.WriteString("createdAtUtc", m.CreatedAtUtc.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("libraryVersion", m.LibraryVersion);
            WriteEmbedded(w, "hyperparameters", m.HyperparametersJson);
            if (m.ValidationMetricName is { } metricName && m.ValidationMetric is double metric)
            {
                w.WriteStartObject("validationMetric");
                w.WriteString("name", metricName);
                w.WriteNumber("value", metric);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("validationMetric");
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        byte[] bytes = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(bytes);
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    /// <summary>Reads and checks a manifest file.</summary>
    /// <exception cref="ModelFormatException">The file is missing, not JSON, of another format or version, or a property is missing or ill-typed.</exception>
    public static Contents Read(string path)
    {
        if (!File.Exists(path))
        {
            string? directory = Path.GetDirectoryName(path);
            throw new ModelFormatException(
                path,
                directory is not null && !Directory.Exists(directory)
                    ? $"the model directory \"{directory}\" does not exist"
                    : "the file does not exist; expected a model saved by TrainedModel.Save (model.json and weights.bin)");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var reader = new Reader(path);
            JsonElement root = document.RootElement;
            reader.Expect(root, JsonValueKind.Object, "the document");
            string format = reader.String(root, "format");
            if (!string.Equals(format, TrainedModel.FormatName, StringComparison.Ordinal))
            {
                throw new ModelFormatException(path, $"expected format \"{TrainedModel.FormatName}\", found \"{format}\"");
            }

            int version = reader.Int(root, "formatVersion");
            if (version != TrainedModel.FormatVersion)
            {
                throw new ModelFormatException(
                    path, string.Create(CultureInfo.InvariantCulture, $"format version {version} is not supported: this library reads version {TrainedModel.FormatVersion}"));
            }

            TaskKind task = reader.Enum<TaskKind>(root, "task");
            int[] layerSizes = [.. reader.Array(root, "layerSizes").Select((e, i) => reader.IntValue(e, string.Create(CultureInfo.InvariantCulture, $"layerSizes[{i}]")))];
            Activation activation = reader.Enum<Activation>(root, "activation");
            string[] featureNames = reader.Strings(root, "featureNames");
            string[] classNames = reader.Strings(root, "classNames");
            TabularSchema? schema = reader.Embedded(root, "schema", TabularSchema.FromJson);
            Standardizer? standardizer = reader.Embedded(root, "standardizer", Standardizer.FromJson);

            JsonElement weights = reader.Object(root, "weights");
            string file = reader.String(weights, "file", "weights.file");
            if (!string.Equals(file, TrainedModel.WeightsFileName, StringComparison.Ordinal))
            {
                throw new ModelFormatException(path, $"expected \"weights.file\" to be \"{TrainedModel.WeightsFileName}\", found \"{file}\"");
            }

            long byteLength = reader.Long(weights, "byteLength", "weights.byteLength");
            string sha256 = reader.String(weights, "sha256", "weights.sha256");
            if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
            {
                throw new ModelFormatException(path, $"expected \"weights.sha256\" to be 64 lower-case hex digits, found \"{sha256}\"");
            }

            JsonElement meta = reader.Object(root, "metadata");
            string created = reader.String(meta, "createdAtUtc", "metadata.createdAtUtc");
            if (!DateTimeOffset.TryParseExact(created, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset createdAt))
            {
                throw new ModelFormatException(path, $"expected \"metadata.createdAtUtc\" to be an ISO 8601 round-trip time, found \"{created}\"");
            }

            string libraryVersion = reader.String(meta, "libraryVersion", "metadata.libraryVersion");
            string? hyperparameters = meta.TryGetProperty("hyperparameters", out JsonElement h) && h.ValueKind != JsonValueKind.Null ? h.GetRawText() : null;
            string? metricName = null;
            double? metric = null;
            if (meta.TryGetProperty("validationMetric", out JsonElement v) && v.ValueKind != JsonValueKind.Null)
            {
                reader.Expect(v, JsonValueKind.Object, "\"metadata.validationMetric\"");
                metricName = reader.String(v, "name", "metadata.validationMetric.name");
                metric = reader.Double(v, "value", "metadata.validationMetric.value");
            }

            TrainedModelMetadata metadata;
            try
            {
                metadata = new TrainedModelMetadata(createdAt, hyperparameters, metricName, metric, libraryVersion);
            }
            catch (ArgumentException e)
            {
                throw new ModelFormatException(path, $"invalid \"metadata\": {e.Message}", e);
            }

            return new Contents(task, layerSizes, activation, featureNames, classNames, schema, standardizer, metadata, byteLength, sha256);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void WriteEmbedded(Utf8JsonWriter w, string name, string? json)
    {
        if (json is null)
        {
            w.WriteNull(name);
            return;
        }

        using JsonDocument document = JsonDocument.Parse(json);
        w.WritePropertyName(name);
        document.RootElement.WriteTo(w);
    }

    /// <summary>What model.json holds.</summary>
    internal sealed record Contents(
        TaskKind Task,
        int[] LayerSizes,
        Activation Activation,
        string[] FeatureNames,
        string[] ClassNames,
        TabularSchema? Schema,
        Standardizer? Standardizer,
        TrainedModelMetadata Metadata,
        long WeightsLength,
        string WeightsSha256);

    /// <summary>Typed access to JSON properties that reports what is wrong, and where, as a <see cref="ModelFormatException"/>.</summary>
    private sealed class Reader(string path)
    {
        public void Expect(JsonElement element, JsonValueKind kind, string what)
        {
            if (element.ValueKind != kind)
            {
                throw new ModelFormatException(path, $"expected {what} to be a JSON {Describe(kind)}, found {Describe(element.ValueKind)}");
            }
        }

        public JsonElement Property(JsonElement parent, string name, string? label = null)
        {
            if (!parent.TryGetProperty(name, out JsonElement value))
            {
                throw new ModelFormatException(path, $"the required property \"{label ?? name}\" is missing");
            }

            return value;
        }

        public JsonElement Object(JsonElement parent, string name)
        {
            JsonElement value = Property(parent, name);
            Expect(value, JsonValueKind.Object, $"\"{name}\"");
            return value;
        }

        public JsonElement.ArrayEnumerator Array(JsonElement parent, string name)
        {
            JsonElement value = Property(parent, name);
            Expect(value, JsonValueKind.Array, $"\"{name}\"");
            return value.EnumerateArray();
        }

        public string String(JsonElement parent, string name, string? label = null)
        {
            JsonElement value = Property(parent, name, label);
            Expect(value, JsonValueKind.String, $"\"{label ?? name}\"");
            return value.GetString()!;
        }

        public string[] Strings(JsonElement parent, string name) =>
            [.. Array(parent, name).Select((e, i) =>
            {
                Expect(e, JsonValueKind.String, string.Create(CultureInfo.InvariantCulture, $"\"{name}[{i}]\""));
                return e.GetString()!;
            })];

        public int Int(JsonElement parent, string name) => IntValue(Property(parent, name), name);

        public int IntValue(JsonElement value, string label)
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result))
            {
                throw new ModelFormatException(path, $"expected \"{label}\" to be a 32-bit integer, found {Excerpt(value)}");
            }

            return result;
        }

        public long Long(JsonElement parent, string name, string label)
        {
            JsonElement value = Property(parent, name, label);
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long result) || result < 0)
            {
                throw new ModelFormatException(path, $"expected \"{label}\" to be a non-negative integer, found {Excerpt(value)}");
            }

            return result;
        }

        public double Double(JsonElement parent, string name, string label)
        {
            JsonElement value = Property(parent, name, label);
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double result))
            {
                throw new ModelFormatException(path, $"expected \"{label}\" to be a number, found {Excerpt(value)}");
            }

            return result;
        }

        public T Enum<T>(JsonElement parent, string name)
            where T : struct, System.Enum
        {
            string text = String(parent, name);
            string[] names = System.Enum.GetNames<T>();
            if (!names.Contains(text, StringComparer.Ordinal))
            {
                throw new ModelFormatException(path, $"expected \"{name}\" to be one of {string.Join(", ", names.Select(n => "\"" + n + "\""))}, found \"{text}\"");
            }

            return System.Enum.Parse<T>(text);
        }

        public T? Embedded<T>(JsonElement parent, string name, Func<string, T> parse)
            where T : class
        {
            JsonElement value = Property(parent, name);
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            Expect(value, JsonValueKind.Object, $"\"{name}\"");
            try
            {
                return parse(value.GetRawText());
            }
            catch (DatasetFormatException e)
            {
                throw new ModelFormatException(path, $"invalid \"{name}\": {e.Message}", e);
            }
        }

        private static string Excerpt(JsonElement value)
        {
            string text = value.GetRawText();
            return text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
        }

        private static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
    }
}
