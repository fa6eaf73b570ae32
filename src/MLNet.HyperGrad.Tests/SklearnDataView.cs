using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Estimators;

namespace MLNet.HyperGrad.Tests;

/// <summary>scikit-learn's real data sets as ML.NET views, loaded as an ML.NET user would: <c>LoadFromTextFile</c> on the exported CSV.</summary>
internal static class SklearnDataView
{
    private static readonly string Directory = System.IO.Directory.CreateTempSubdirectory("hg-sklearn-views-").FullName;
    private static readonly ConcurrentDictionary<string, Lazy<string>> Files = new();

    /// <summary>The exported CSV of load_<paramref name="name"/>(), written once per test process.</summary>
    public static string Csv(string name) => Files.GetOrAdd(name, n => new Lazy<string>(() => SklearnCsv.Export(n, Directory))).Value;

    /// <summary>
    /// Loads a data set with a "Features" vector of every feature column and its target as "target": a string
    /// (class name) for classification sets, a Single for regression ones (<paramref name="numericTarget"/>).
    /// </summary>
    public static IDataView Load(MLContext mlContext, string name, bool numericTarget = false)
    {
        string path = Csv(name);
        int featureCount = File.ReadLines(path).First().Split(',').Length - 1;
        return mlContext.Data.LoadFromTextFile(
            path,
            [
                new TextLoader.Column("Features", DataKind.Single, 0, featureCount - 1),
                new TextLoader.Column("target", numericTarget ? DataKind.Single : DataKind.String, featureCount),
            ],
            separatorChar: ',',
            hasHeader: true);
    }

    /// <summary>The usual label step for a task: a key label for multiclass, a Boolean for breast_cancer's "malignant", the Single target for regression.</summary>
    public static IEstimator<ITransformer> LabelFor(MLContext mlContext, PredictionTask task) => task switch
    {
        PredictionTask.MulticlassClassification => mlContext.Transforms.Conversion.MapValueToKey("Label", "target"),
        PredictionTask.BinaryClassification => mlContext.Transforms.Conversion.MapValue("Label", [new KeyValuePair<string, bool>("malignant", true), new KeyValuePair<string, bool>("benign", false)], "target"),
        _ => mlContext.Transforms.CopyColumns("Label", "target"),
    };

    /// <summary>The scikit-learn data set used for a task in these tests: wine (multiclass), breast_cancer (binary), diabetes (regression).</summary>
    public static string DataSetFor(PredictionTask task) => task switch
    {
        PredictionTask.MulticlassClassification => "wine",
        PredictionTask.BinaryClassification => "breast_cancer",
        _ => "diabetes",
    };
}
