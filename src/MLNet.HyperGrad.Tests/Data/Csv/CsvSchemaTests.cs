using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data.Csv;

/// <summary>Fitting the encoding on a training file and applying it to validation files.</summary>
public sealed class CsvSchemaTests : IDisposable
{
    private const string TrainText = "age,color,city,label\n30,red,Oslo,yes\n40,blue,Rome,no\n50,red,Oslo,yes\n60,green,Rome,no\n";
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private CsvDataset Train(MissingValuePolicy policy = MissingValuePolicy.Error) =>
        CsvReader.Read(temp.Write("train.csv", TrainText), new CsvReadOptions { LabelColumn = "label", IgnoreColumns = ["city"], MissingValuePolicy = policy });

    [Fact]
    public void Read_WithSchema_EncodesValidationLikeTraining()
    {
        TabularSchema schema = Train().Schema;
        string path = temp.Write("valid.csv", "age,color,city,label\n35,green,Paris,no\n45,red,Oslo,yes\n");

        CsvDataset valid = CsvReader.Read(path, new CsvReadOptions(), schema);

        Assert.Same(schema, valid.Schema);
        Assert.Equal(["age", "color=blue", "color=green", "color=red"], valid.Dataset.FeatureNames);
        Assert.Equal(new float[] { 35, 0, 1, 0, 45, 0, 0, 1 }, valid.Dataset.Features.ToArray());
        Assert.Equal(["no", "yes"], valid.Dataset.ClassNames);
        Assert.Equal(new long[] { 0, 1 }, valid.Dataset.Labels.ToArray());
    }

    [Fact]
    public void Read_WithSchemaUnknownCategory_EncodesAllZeros()
    {
        TabularSchema schema = Train().Schema;
        string path = temp.Write("valid.csv", "age,color,city,label\n35,purple,Oslo,no\n");

        TabularDataset valid = CsvReader.Read(path, new CsvReadOptions(), schema).Dataset;

        Assert.Equal(new float[] { 35, 0, 0, 0 }, valid.Features.ToArray());
    }

    [Fact]
    public void Read_WithSchemaColumnsInOtherOrder_FindsThemByName()
    {
        TabularSchema schema = Train().Schema;
        string path = temp.Write("valid.csv", "label,color,age\nyes,blue,70\n");

        TabularDataset valid = CsvReader.Read(path, new CsvReadOptions(), schema).Dataset;

        Assert.Equal(new float[] { 70, 1, 0, 0 }, valid.Features.ToArray());
        Assert.Equal(1, valid.Labels[0]);
    }

    [Fact]
    public void Read_WithSchemaMissingColumn_ListsAvailableColumns()
    {
        TabularSchema schema = Train().Schema;
        string path = temp.Write("valid.csv", "age,city,label\n35,Oslo,no\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions(), schema));

        Assert.Contains("valid.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("feature column \"color\" is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"age\", \"city\", \"label\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WithSchemaUnknownClass_ReportsLineAndKnownClasses()
    {
        TabularSchema schema = Train().Schema;
        string path = temp.Write("valid.csv", "age,color,city,label\n35,red,Oslo,yes\n36,red,Oslo,maybe\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions(), schema));

        Assert.Contains("valid.csv line 3, column \"label\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"no\", \"yes\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found \"maybe\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WithSchemaTextInNumericColumn_ExpectsANumber()
    {
        TabularSchema schema = Train().Schema;
        string path = temp.Write("valid.csv", "age,color,city,label\nold,red,Oslo,yes\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions(), schema));

        Assert.Contains("valid.csv line 2, column \"age\": expected a number, found \"old\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WithSchemaImpute_UsesTrainingMeanAndMode()
    {
        TabularSchema schema = Train(MissingValuePolicy.Impute).Schema;
        string path = temp.Write("valid.csv", "age,color,city,label\n,red,Oslo,yes\n1000,,Oslo,no\n2000,blue,Oslo,no\n");

        TabularDataset valid = CsvReader.Read(path, new CsvReadOptions { MissingValuePolicy = MissingValuePolicy.Impute }, schema).Dataset;

        // Training ages 30, 40, 50, 60 have mean 45 (the validation ages would give 1500); "red" is the training mode.
        Assert.Equal(new float[] { 45, 0, 0, 1 }, valid.Row(0).ToArray());
        Assert.Equal(new float[] { 1000, 0, 0, 1 }, valid.Row(1).ToArray());
    }

    [Fact]
    public void Read_WithSchemaNoHeader_FindsColumnsByPosition()
    {
        TabularSchema schema = Train().Schema;
        string path = temp.Write("valid.csv", "35,blue,Rome,no\n");

        TabularDataset valid = CsvReader.Read(path, new CsvReadOptions { HasHeader = false }, schema).Dataset;

        Assert.Equal(new float[] { 35, 1, 0, 0 }, valid.Features.ToArray());
    }

    [Fact]
    public void ToJson_RoundTrip_AppliesIdentically()
    {
        TabularSchema schema = Train(MissingValuePolicy.Impute).Schema;
        string json = schema.ToJson();
        TabularSchema back = TabularSchema.FromJson(json);
        string path = temp.Write("valid.csv", "age,color,city,label\n,purple,Rome,no\n33,,Oslo,yes\n");
        var options = new CsvReadOptions { MissingValuePolicy = MissingValuePolicy.Impute };

        TabularDataset a = CsvReader.Read(path, options, schema).Dataset;
        TabularDataset b = CsvReader.Read(path, options, back).Dataset;

        Assert.Contains("\"Categorical\"", json, StringComparison.Ordinal);
        Assert.Equal(schema.FeatureNames, back.FeatureNames);
        Assert.Equal(schema.ClassNames, back.ClassNames);
        Assert.Equal(a.Features.ToArray(), b.Features.ToArray());
        Assert.Equal(a.Labels.ToArray(), b.Labels.ToArray());
    }

    [Fact]
    public void FromJson_InconsistentSchema_ThrowsDatasetFormatException()
    {
        string json = Train().Schema.ToJson().Replace("\"ImputeCategory\": \"red\"", "\"ImputeCategory\": \"pink\"", StringComparison.Ordinal);

        var ex = Assert.Throws<DatasetFormatException>(() => TabularSchema.FromJson(json));

        Assert.Contains("pink", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_NotJson_ThrowsDatasetFormatException()
    {
        Assert.Throws<DatasetFormatException>(() => TabularSchema.FromJson("{ not json"));
    }
}
