using System.Globalization;
using System.Text;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary>Resuming a study with other data or another task is refused with one line that says what changed and how to start a new study.</summary>
[Collection(CliCollection.Name)]
public sealed class HypergradCliStudyIdentityTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-identity-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Csv(string name, int rows, int offset)
    {
        var text = new StringBuilder("a,b,target\n");
        for (int i = offset; i < offset + rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i % 7},{i % 5},{((i % 7) + (i % 5) > 5 ? 1 : 0)}\n");
        }

        string path = Path.Combine(directory, name);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private HypergradProcess Tune(string task, string csv) => HypergradProcess.Run(directory, Timeout,
        task, "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--study", "shared", "--max-trials", "1", "--max-epochs", "2", "--train-time", "60", "-o", Path.Combine(directory, "out"));

    [Fact]
    public void Resume_WithADifferentCsv_ExitCode2AndOneLineNamingTheDataAndStudyFlag()
    {
        using (HypergradProcess first = Tune("classification", Csv("first.csv", 80, 0)))
        {
            Assert.True(first.ExitCode == 0, first.Output + first.Errors);
        }

        using HypergradProcess second = Tune("classification", Csv("second.csv", 90, 3));

        string error = OneLineExit2(second);
        Assert.Contains("the data file was first.csv, now second.csv", error, StringComparison.Ordinal);
        Assert.Contains("the row count was 80, now 90", error, StringComparison.Ordinal);
        Assert.Contains("the data SHA-256 changed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_AsRegressionInsteadOfClassification_ExitCode2AndOneLineNamingTheTaskAndStudyFlag()
    {
        string csv = Csv("data.csv", 80, 0);
        using (HypergradProcess first = Tune("classification", csv))
        {
            Assert.True(first.ExitCode == 0, first.Output + first.Errors);
        }

        using HypergradProcess second = Tune("regression", csv);

        string error = OneLineExit2(second);
        Assert.Contains("the task was classification, now regression", error, StringComparison.Ordinal);
        Assert.Contains("the metric was micro-accuracy, now r2", error, StringComparison.Ordinal);
        Assert.DoesNotContain("data SHA-256", error, StringComparison.Ordinal);
    }

    private static string OneLineExit2(HypergradProcess run)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Output}{run.Errors}");
        string error = run.Errors.Trim();
        Assert.Single(error.Split('\n'));
        Assert.StartsWith("hypergrad: error: cannot resume study \"shared\"", error, StringComparison.Ordinal);
        Assert.Contains("--study", error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", error, StringComparison.Ordinal);
        return error;
    }
}
