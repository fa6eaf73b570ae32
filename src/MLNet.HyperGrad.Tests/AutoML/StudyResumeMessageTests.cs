using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.AutoML;

public sealed class StudyResumeMessageTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-resume-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task RunAsync_StudyWithAWiderRange_NamesTheOptionAndBothValuesNotTheJson()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "study.db"));
        using var runner = new BraninRunner();
        await new HyperGradExperiment().AddSearchSpace("branin", BraninRunner.Space()).SetTrialRunner(runner).SetStudy(storage, "s").SetMaxModelToExplore(1).WithHyperGrad().RunAsync();
        SearchSpace wider = BraninRunner.Space();
        wider["x1"] = new UniformDoubleOption(-5, 12);

        StorageException ex = await Assert.ThrowsAsync<StorageException>(
            () => new HyperGradExperiment().AddSearchSpace("branin", wider).SetTrialRunner(runner).SetStudy(storage, "s").SetMaxModelToExplore(1).WithHyperGrad().RunAsync());

        Assert.Contains("branin.x1: max 10 in the study, 12 in this run", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("{", ex.Message, StringComparison.Ordinal);
        SearchSpaceMismatchException mismatch = Assert.IsType<SearchSpaceMismatchException>(ex.InnerException);
        Assert.Equal(new SearchSpaceDifference("branin.x1", "max", "10", "12"), Assert.Single(mismatch.Differences));
    }
}
