using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.Data;

namespace MLNet.HyperGrad.Tests.Outputs;

public sealed class StudyOutputsTests : IDisposable
{
    private static readonly DateTime Noon = new(2025, 1, 31, 12, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void PrepareDirectory_Missing_CreatedAndReturnedInFull()
    {
        string path = Path.Combine(directory.Path, "a", "b");

        Assert.Equal(path, StudyOutputs.PrepareDirectory(path));
        Assert.True(Directory.Exists(path));
        Assert.Empty(Directory.GetFileSystemEntries(path));
    }

    [Fact]
    public void PrepareDirectory_ExistingFile_SaysItIsAFile()
    {
        string file = directory.Write("out", "x");

        OutputDirectoryException ex = Assert.Throws<OutputDirectoryException>(() => StudyOutputs.PrepareDirectory(file));
        Assert.Contains($"\"{file}\" is a file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrepareDirectory_UnderAFile_NamesTheFile()
    {
        // Tests run as root, where a read-only mode does not stop writes: a folder under a file cannot be made by anyone.
        string file = directory.Write("existing-file", "x");

        OutputDirectoryException ex = Assert.Throws<OutputDirectoryException>(() => StudyOutputs.PrepareDirectory(Path.Combine(file, "sub", "out")));
        Assert.Contains($"\"{file}\" is a file, not a folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrepareDirectory_UnderProc_CannotWrite()
    {
        // Linux's /proc (the only platform libtorch-cpu-linux-x64 runs on): no folder can be created there, even by root.
        OutputDirectoryException ex = Assert.Throws<OutputDirectoryException>(() => StudyOutputs.PrepareDirectory("/proc/hypergrad-output"));
        Assert.Contains("/proc/hypergrad-output", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Study_WritesTrialsCsvAndReportAndNamesThem()
    {
        var space = new SearchSpace { ["mlp"] = new SearchSpace { ["lr"] = new UniformDoubleOption(1e-4, 1, logBase: true) } };
        var study = new StudyRecord { Id = 1, Name = "study-x", TaskDescription = "classification of x.csv", SearchSpaceJson = "[]", Direction = StudyDirection.Minimize, CreatedAtUtc = Noon };
        TrialRecord[] trials =
        [
            new() { StudyId = 1, Number = 1, State = TrialState.Complete, ParametersJson = """{"mlp":{"lr":0.01}}""", Loss = -0.9, Metric = 0.9, StartedAtUtc = Noon.AddMinutes(1), EndedAtUtc = Noon.AddMinutes(2) },
            new() { StudyId = 1, Number = 0, State = TrialState.Failed, ParametersJson = """{"mlp":{"lr":0.5}}""", Error = "boom", StartedAtUtc = Noon, EndedAtUtc = Noon.AddMinutes(1) },
        ];

        IReadOnlyList<string> written = StudyOutputs.Write(directory.Path, study, trials, space, new StudyOutputOptions { Task = TaskKind.Classification, Tuner = "Random", Seed = 7, DataDescription = "x.csv", TrainRows = 80, ValidationRows = 20 });

        Assert.Equal([Path.Combine(directory.Path, "trials.csv"), Path.Combine(directory.Path, "report.html")], written);
        string[] lines = File.ReadAllLines(written[0]);
        Assert.Equal("number,state,loss,metric,duration_ms,started_at_utc,mlp.lr,error", lines[0]);
        Assert.StartsWith("0,failed,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("1,complete,-0.9,0.9,", lines[2], StringComparison.Ordinal);
        string html = File.ReadAllText(written[1]);
        Assert.Contains("hypergrad classification: study-x", html, StringComparison.Ordinal);
        Assert.Contains("80 training rows, 20 validation rows", html, StringComparison.Ordinal);
        Assert.Contains("seed 7", html, StringComparison.Ordinal);
    }
}
