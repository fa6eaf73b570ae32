using System.Globalization;
using System.Text.RegularExpressions;

namespace MLNet.HyperGrad.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed partial class CliCrossValidationTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-cv-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private HypergradProcess Tune(string dataset, params string[] more)
    {
        string csv = SklearnCsv.Export(dataset, directory);
        string output = Path.Combine(directory, "out-" + string.Join("-", more.Prepend(dataset)).Replace("--", string.Empty, StringComparison.Ordinal));
        return HypergradProcess.Run(directory, Timeout, [
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--max-trials", "2", "--max-epochs", "1", "-o", output, .. more]);
    }

    [Fact]
    public void Classification_Wine178Rows_FiveFoldCrossValidationWithMeanAndSpreadAndAModel()
    {
        using HypergradProcess run = Tune("wine");
        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Contains("5-fold cross-validation (seeded, stratified) on 178 rows (fewer than 200 rows; --cv-folds 0 for a holdout split)", run.Output, StringComparison.Ordinal);
        // The printed fold metrics are rounded to 4 decimals: their mean and std agree to within rounding.
        Match spread = SpreadLine().Match(run.Output);
        Assert.True(spread.Success, run.Output);
        double[] folds = [.. spread.Groups["folds"].Value.Split(", ").Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        Assert.Equal(5, folds.Length);
        Assert.Equal(folds.Average(), double.Parse(spread.Groups["mean"].Value, CultureInfo.InvariantCulture), tolerance: 3e-4);
        double mean = folds.Average();
        Assert.Equal(Math.Sqrt(folds.Average(f => (f - mean) * (f - mean))), double.Parse(spread.Groups["std"].Value, CultureInfo.InvariantCulture), tolerance: 3e-4);
        Assert.Matches(@"fitting the best trial \(\d+, mlp\) on the 178 training rows for model.zip", run.Output);
        Assert.True(File.Exists(Path.Combine(directory, "out-wine", "model.zip")));
    }

    [Fact]
    public void Classification_Wine178RowsCvFolds0_Holdout()
    {
        using HypergradProcess run = Tune("wine", "--cv-folds", "0");
        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Contains("holdout: 142 training and 36 validation rows", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("cross-validation", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_BreastCancer569Rows_HoldoutUnlessCvFoldsAsks()
    {
        using (HypergradProcess run = Tune("breast_cancer"))
        {
            Assert.True(run.ExitCode == 0, run.Output + run.Errors);
            Assert.Contains("holdout: 455 training and 114 validation rows", run.Output, StringComparison.Ordinal);
        }

        using (HypergradProcess run = Tune("breast_cancer", "--cv-folds", "3"))
        {
            Assert.True(run.ExitCode == 0, run.Output + run.Errors);
            Assert.Contains("3-fold cross-validation (seeded, stratified) on 569 rows", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("fewer than 200 rows", run.Output, StringComparison.Ordinal);
            Assert.Contains("over 3 folds", run.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("-1", "--cv-folds must be 0 or 1 (a holdout split) or at least 2 (that many folds), got -1")]
    [InlineData("500", "--cv-folds 500: the data has 178 rows")]
    public void Classification_BadCvFolds_OneLineExit2(string folds, string message)
    {
        using HypergradProcess run = Tune("wine", "--cv-folds", folds);
        Assert.Equal(2, run.ExitCode);
        string error = run.Errors.Trim();
        Assert.Single(error.Split('\n'));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_CvFoldsWithValidationDataset_OneLineExit2()
    {
        string validation = SklearnCsv.Export("wine", Directory.CreateDirectory(Path.Combine(directory, "v")).FullName);
        using HypergradProcess run = Tune("wine", "--cv-folds", "3", "--validation-dataset", validation);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--cv-folds 3 and --validation-dataset both say how to score trials: give one of them", run.Errors, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"best trial \d+: micro-accuracy (?<mean>[0-9.]+) ± (?<std>[0-9.]+) \(mean ± std over 5 folds: (?<folds>[0-9., ]+)\)")]
    private static partial Regex SpreadLine();
}
