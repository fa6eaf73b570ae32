using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.HyperGrad.Tests.Estimators;

/// <summary>scikit-learn's wine, breast_cancer and diabetes exported once to CSV, and the row classes an ML.NET user would write for them.</summary>
internal static class SklearnRows
{
    private static readonly Lazy<string> Directory = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "hypergrad-estimator-tests-" + Environment.ProcessId);
        System.IO.Directory.CreateDirectory(dir);
        SklearnCsv.Export("wine", dir);
        SklearnCsv.Export("breast_cancer", dir);
        SklearnCsv.Export("diabetes", dir);
        return dir;
    });

    public static string WinePath => Path.Combine(Directory.Value, "wine.csv");

    public static string BreastCancerPath => Path.Combine(Directory.Value, "breast_cancer.csv");

    public static string DiabetesPath => Path.Combine(Directory.Value, "diabetes.csv");

    public static IDataView LoadWine(MLContext ml) => ml.Data.LoadFromTextFile<WineRow>(WinePath, separatorChar: ',', hasHeader: true);

    /// <summary>Wine as a user writes it: the 13 measurements, then the class name.</summary>
    public static IEstimator<ITransformer> WineFeaturization(MLContext ml) =>
        ml.Transforms.Concatenate("Features", nameof(WineRow.Measurements))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", nameof(WineRow.Target)));

    public sealed class WineRow
    {
        [LoadColumn(0, 12)]
        [VectorType(13)]
        public float[] Measurements { get; set; } = [];

        [LoadColumn(13)]
        public string Target { get; set; } = string.Empty;
    }

    public sealed class BreastCancerRow
    {
        [LoadColumn(0, 29)]
        [VectorType(30)]
        public float[] Measurements { get; set; } = [];

        [LoadColumn(30)]
        public string Target { get; set; } = string.Empty;
    }

    public sealed class DiabetesRow
    {
        [LoadColumn(0, 9)]
        [VectorType(10)]
        public float[] Measurements { get; set; } = [];

        [LoadColumn(10)]
        public float Target { get; set; }
    }
}
