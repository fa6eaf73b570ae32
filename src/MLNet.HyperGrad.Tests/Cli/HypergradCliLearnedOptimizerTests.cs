using MLNet.HyperGrad.LearnedOptimizers;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary><c>hypergrad train --optimizer lstm:FILE</c>: a missing, corrupt or foreign file is one clear line naming it, exit code 2, before any data is read.</summary>
[Collection(CliCollection.Name)]
public sealed class HypergradCliLearnedOptimizerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-lstm-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Train_LstmOptimizerFileMissing_NamesTheFileAndExitCode2()
    {
        string path = Path.Combine(directory, "absent.hgo");

        string error = AssertBadInput("train", "--optimizer", "lstm:" + path, "--data-dir", Path.Combine(directory, "no-data"));

        Assert.Contains(path + ": the file does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_LstmOptimizerFileCorrupt_ChecksumMismatchAndExitCode2()
    {
        string path = Path.Combine(directory, "corrupt.hgo");
        using (LstmOptimizer optimizer = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 4 }))
        {
            optimizer.Save(path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        bytes[^40] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        string error = AssertBadInput("train", "--optimizer", "lstm:" + path, "--data-dir", Path.Combine(directory, "no-data"));

        Assert.Contains(path + ": checksum mismatch", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_LstmOptimizerFileOfAnotherKind_WrongMagicAndExitCode2()
    {
        string path = Path.Combine(directory, "model.json");
        File.WriteAllText(path, "{}");

        string error = AssertBadInput("train", "--optimizer", "lstm:" + path);

        Assert.Contains(path + ": wrong magic bytes", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lstm:", "expected a file after lstm:")]
    [InlineData("rmsprop", "expected one of SgdMomentum, Adam or lstm:FILE, found \"rmsprop\"")]
    public void Train_BadOptimizerFlag_ParseErrorAndExitCode2(string value, string expected)
    {
        string error = AssertBadInput("train", "--optimizer", value);

        Assert.Contains("--optimizer: " + expected, error, StringComparison.Ordinal);
    }

    private string AssertBadInput(params string[] args)
    {
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, args);
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Output}{run.Errors}");
        string error = run.Errors.Trim();
        Assert.Single(error.Split('\n'));
        Assert.StartsWith("hypergrad: error: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at MLNet.", error, StringComparison.Ordinal);
        return error;
    }
}
