using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Estimators.Mapping;

namespace MLNet.HyperGrad.Estimators;

/// <summary>The column checks of <see cref="HyperGradMlpTrainer"/>.</summary>
public sealed partial class HyperGradMlpTrainer
{
    private const string KeyValuesKind = "KeyValues";

    private string ExpectedLabel => Task switch
    {
        PredictionTask.MulticlassClassification => "a key (map the label with mlContext.Transforms.Conversion.MapValueToKey(\"" + LabelColumnName + "\"))",
        PredictionTask.BinaryClassification => "Boolean (true for the positive class; map it with mlContext.Transforms.Conversion.MapValue or an Expression)",
        _ => "Single (convert it with mlContext.Transforms.Conversion.ConvertType(\"" + LabelColumnName + "\", outputKind: DataKind.Single))",
    };

    private ArgumentOutOfRangeException FeatureError(string paramName, string actual) => new(
        paramName,
        $"HyperGradMlp's features column \"{FeatureColumnName}\" must be a known-size vector of Single; it is {actual}. " +
        $"Build it with mlContext.Transforms.Concatenate(\"{FeatureColumnName}\", <numeric columns>) (and ConvertType for non-Single columns).");

    private ArgumentOutOfRangeException LabelError(string paramName, string actual) => new(
        paramName,
        $"HyperGradMlp's {TaskText} label column \"{LabelColumnName}\" must be {ExpectedLabel}; it is {actual}.");

    private string TaskText => Task switch
    {
        PredictionTask.MulticlassClassification => "multiclass",
        PredictionTask.BinaryClassification => "binary",
        _ => "regression",
    };

    /// <summary>Checks the shape of the input of <see cref="GetOutputSchema"/>.</summary>
    private void CheckShape(SchemaShape inputSchema)
    {
        if (!TryFind(inputSchema, FeatureColumnName, out SchemaShape.Column features))
        {
            throw FeatureError(nameof(inputSchema), "missing (the input has " + string.Join(", ", inputSchema.Select(c => "\"" + c.Name + "\"")) + ")");
        }

        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single || features.IsKey)
        {
            throw FeatureError(nameof(inputSchema), Describe(features));
        }

        if (!TryFind(inputSchema, LabelColumnName, out SchemaShape.Column label))
        {
            throw LabelError(nameof(inputSchema), "missing");
        }

        bool ok = label.Kind == SchemaShape.Column.VectorKind.Scalar && Task switch
        {
            PredictionTask.MulticlassClassification => label.IsKey,
            PredictionTask.BinaryClassification => label.ItemType == BooleanDataViewType.Instance,
            _ => label.ItemType == NumberDataViewType.Single && !label.IsKey,
        };
        if (!ok)
        {
            throw LabelError(nameof(inputSchema), Describe(label));
        }
    }

    /// <summary>Checks the input's columns before training and reads the class names of a multiclass label.</summary>
    private ColumnCheck CheckSchema(DataViewSchema schema, string paramName)
    {
        DataViewSchema.Column? features = schema.GetColumnOrNull(FeatureColumnName);
        if (features is null)
        {
            throw FeatureError(paramName, "missing (the input has " + string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => "\"" + c.Name + "\"")) + ")");
        }

        if (features.Value.Type is not VectorDataViewType { IsKnownSize: true } vector || vector.ItemType != NumberDataViewType.Single)
        {
            throw FeatureError(paramName, Describe(features.Value.Type));
        }

        DataViewSchema.Column label = schema.GetColumnOrNull(LabelColumnName) ?? throw LabelError(paramName, "missing");
        string[] classNames = [];
        switch (Task)
        {
            case PredictionTask.MulticlassClassification:
                if (label.Type is not KeyDataViewType key || key.RawType != typeof(uint))
                {
                    throw LabelError(paramName, Describe(label.Type));
                }

                if (key.Count < 2 || key.Count > MulticlassMlpOutput.MaxClasses)
                {
                    throw LabelError(paramName, string.Create(CultureInfo.InvariantCulture, $"a key of {key.Count} classes; HyperGradMlp handles 2 to {MulticlassMlpOutput.MaxClasses}"));
                }

                classNames = ClassNames(label, (int)key.Count);
                break;
            case PredictionTask.BinaryClassification when label.Type != BooleanDataViewType.Instance:
                throw LabelError(paramName, Describe(label.Type));
            case PredictionTask.Regression when label.Type != NumberDataViewType.Single:
                throw LabelError(paramName, Describe(label.Type));
        }

        return new ColumnCheck(features.Value, label, vector.Size, classNames);
    }

    /// <summary>The text of every key value of a key column, in key order ("0", "1", … when it has none).</summary>
    private static string[] ClassNames(DataViewSchema.Column label, int count)
    {
        DataViewSchema.Column? keyValues = label.Annotations.Schema.GetColumnOrNull(KeyValuesKind);
        if (keyValues?.Type is VectorDataViewType { ItemType: var itemType })
        {
            MethodInfo read = typeof(HyperGradMlpTrainer).GetMethod(nameof(KeyValueTexts), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(itemType.RawType);
            string[] names = (string[])read.Invoke(null, [label])!;
            if (names.Length == count && names.Distinct(StringComparer.Ordinal).Count() == count)
            {
                return names;
            }
        }

        return [.. Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture))];
    }

    private static string[] KeyValueTexts<T>(DataViewSchema.Column label)
    {
        VBuffer<T> values = default;
        label.Annotations.GetValue(KeyValuesKind, ref values);
        return [.. values.DenseValues().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty)];
    }

    private static bool TryFind(SchemaShape shape, string name, out SchemaShape.Column column)
    {
        foreach (SchemaShape.Column c in shape)
        {
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        }

        column = default;
        return false;
    }

    private static string Describe(SchemaShape.Column column)
    {
        string kind = column.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar => "a scalar",
            SchemaShape.Column.VectorKind.Vector => "a known-size vector",
            _ => "a variable-size vector",
        };
        return $"{kind} of {(column.IsKey ? "keys of " : string.Empty)}{column.ItemType}";
    }

    private static string Describe(DataViewType type) => type switch
    {
        VectorDataViewType { IsKnownSize: true } v => $"a known-size vector of {v.Size} {v.ItemType}",
        VectorDataViewType v => $"a variable-size vector of {v.ItemType}",
        KeyDataViewType k => $"a key of {k.Count} values ({k.RawType.Name})",
        _ => $"a scalar of {type}",
    };

    /// <summary>The checked columns of a training input.</summary>
    private sealed record ColumnCheck(DataViewSchema.Column Features, DataViewSchema.Column Label, int FeatureCount, string[] ClassNames);
}
