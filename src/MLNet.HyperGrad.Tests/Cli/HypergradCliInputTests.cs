using System.Globalization;
using System.Text;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary>What a new user hits with flags, folders and tiny files: one clear line, the right exit code, no .NET internals.</summary>
[Collection(CliCollection.Name)]
public sealed class HypergradCliInputTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-input-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Output_AnExistingFile_OneLineAndExitCode2()
    {
        string csv = WriteCsv("data.csv", 40);
        string file = Path.Combine(directory, "out.txt");
        File.WriteAllText(file, "not a folder");

        string error = AssertBadInput("classification", "--dataset", csv, "--label-col", "label", "--trainers", "mlp", "-o", file);

        Assert.Contains($"\"{file}\" is a file", error, StringComparison.Ordinal);
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    /// <summary>Tests run as root, where a read-only mode does not stop writes; a path under a file, and /proc, cannot be written by anyone.</summary>
    [Theory]
    [InlineData("existing-file/sub")]
    [InlineData("/proc/hypergrad-output")]
    public void Output_ANonWritablePlace_OneLineAndExitCode2(string output)
    {
        string csv = WriteCsv("data.csv", 40);
        File.WriteAllText(Path.Combine(directory, "existing-file"), "x");

        string error = AssertBadInput("classification", "--dataset", csv, "--label-col", "label", "--trainers", "mlp", "-o", output);

        Assert.Contains("output folder", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parallelism_Thousand_RefusedWithItsBounds()
    {
        string csv = WriteCsv("data.csv", 40);

        string error = AssertBadInput("classification", "--dataset", csv, "--label-col", "label", "--trainers", "mlp", "--parallelism", "1000", "-o", Path.Combine(directory, "out"));

        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"--parallelism must be between 1 and {4 * Environment.ProcessorCount}"), error, StringComparison.Ordinal);
        Assert.Contains("got 1000", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--train-time", "soon", "--train-time: expected a whole number of seconds, found \"soon\"")]
    [InlineData("--max-epochs", "many", "--max-epochs: expected a whole number, found \"many\"")]
    [InlineData("--max-trials", "2.5", "--max-trials: expected a whole number, found \"2.5\"")]
    [InlineData("--tuner", "Bayes", "--tuner: expected one of random, grid, gp, hypergradient, meta, learned, portfolio, self-tuning, hypernetwork, found \"Bayes\"")]
    [InlineData("--missing", "Skip", "--missing: expected one of Error, DropRow, Impute, found \"Skip\"")]
    [InlineData("--has-header", "maybe", "'maybe'")]
    [InlineData("--pruner", "hyperband", "--pruner: expected one of none, median, asha, learning-curve, found \"hyperband\"")]
    public void TypedFlag_BadValue_SaysWhatWasExpectedWithoutDotNetTypeNames(string flag, string value, string expected)
    {
        string error = AssertBadInput("classification", "--dataset", "x.csv", "--label-col", "y", flag, value);

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("expected type", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--learning-rate", "fast", "--learning-rate: expected a number such as 0.05 or 1e-4, found \"fast\"")]
    [InlineData("--seed", "-1", "--seed: expected a whole number of 0 or more, found \"-1\"")]
    [InlineData("--optimizer", "Lion", "--optimizer: expected one of SgdMomentum, Adam or lstm:FILE, found \"Lion\"")]
    [InlineData("--threads", "0", "--threads must be at least 1, got 0")]
    public void Train_BadValue_SaysWhatWasExpectedWithoutDotNetPhrasing(string flag, string value, string expected)
    {
        string error = AssertBadInput("train", flag, value);

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value was", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Pruner_OnACsv_RefusedWithTheReason()
    {
        string csv = WriteCsv("data.csv", 40);

        string error = AssertBadInput("classification", "--dataset", csv, "--label-col", "label", "--pruner", "Learning-Curve", "-o", Path.Combine(directory, "out"));

        Assert.Contains("--pruner learning-curve: pruning applies to fashion-mnist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void IgnoredLabel_MessageHasNoParameterName()
    {
        string csv = WriteCsv("data.csv", 40);

        string error = AssertBadInput("classification", "--dataset", csv, "--label-col", "label", "--trainers", "mlp", "--ignore-cols", "label", "-o", Path.Combine(directory, "out"));

        Assert.Contains("cannot also be ignored", error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ThreeRowCsv_RefusedNamingTheMinimum()
    {
        string csv = WriteCsv("tiny.csv", 3);

        string error = AssertBadInput("classification", "--dataset", csv, "--label-col", "label", "--trainers", "mlp", "-o", Path.Combine(directory, "out"));

        Assert.Contains("tiny.csv has 3 data row(s); tuning needs at least 10", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FewValidationRows_WarnsBeforeTuning()
    {
        string csv = WriteCsv("small.csv", 40);

        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", csv, "--label-col", "label", "--trainers", "mlp", "--max-trials", "1", "--max-epochs", "1", "--cv-folds", "0", "-o", Path.Combine(directory, "out"));

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Contains("warning: only 8 validation row(s)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_WithAnotherMaxEpochs_NamesTheFlagAndBothValues()
    {
        string csv = WriteCsv("data.csv", 60);
        string output = Path.Combine(directory, "out");
        using (HypergradProcess first = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", csv, "--label-col", "label", "--trainers", "mlp", "--max-trials", "1", "--max-epochs", "3", "-o", output))
        {
            Assert.True(first.ExitCode == 0, first.Output + first.Errors);
        }

        string error = AssertBadInput("classification", "--dataset", csv, "--label-col", "label", "--trainers", "mlp", "--max-trials", "2", "--max-epochs", "20", "-o", output);

        Assert.Contains("with --max-epochs 20: the study was created with --max-epochs 3", error, StringComparison.Ordinal);
        Assert.Contains("--study", error, StringComparison.Ordinal);
        Assert.DoesNotContain("{", error, StringComparison.Ordinal);
        Assert.InRange(error.Length, 1, 400);
    }

    [Fact]
    public void RedirectedOutput_NoEscapeCodes()
    {
        string csv = WriteCsv("data.csv", 60);
        var colourTerminal = new Dictionary<string, string?> { ["NO_COLOR"] = null, ["TERM"] = "xterm-256color", ["COLORTERM"] = "truecolor" };

        using HypergradProcess run = HypergradProcess.RunWithEnvironment(directory, Timeout, colourTerminal,
            "classification", "--dataset", csv, "--label-col", "label", "--trainers", "mlp", "--max-trials", "2", "--max-epochs", "1", "-o", Path.Combine(directory, "out"));

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Contains("top 5 models", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\x1b', run.Output);
        Assert.DoesNotContain('\x1b', run.Errors);
    }

    /// <summary>Runs the command, expects exit code 2 and one line on stderr without a stack trace, and returns that line.</summary>
    private string AssertBadInput(params string[] args)
    {
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, args);
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Output}{run.Errors}");
        string error = run.Errors.Trim();
        Assert.Single(error.Split('\n'));
        Assert.StartsWith("hypergrad: error: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at MLNet.", error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at System.", error, StringComparison.Ordinal);
        return error;
    }

    /// <summary>A CSV of two numeric features and a two-class label (alternating, so even 3 rows hold both) that the first feature separates.</summary>
    private string WriteCsv(string name, int rows)
    {
        var text = new StringBuilder("x1,x2,label\n");
        for (int i = 0; i < rows; i++)
        {
            bool yes = i % 2 == 1;
            double x1 = (yes ? 5 : 0) + (i * 37 % 50 / 10.0);
            double x2 = i * 53 % 100 / 10.0;
            text.Append(CultureInfo.InvariantCulture, $"{x1},{x2},{(yes ? "yes" : "no")}\n");
        }

        string path = Path.Combine(directory, name);
        File.WriteAllText(path, text.ToString());
        return path;
    }
}
