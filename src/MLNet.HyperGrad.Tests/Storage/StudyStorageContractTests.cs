using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Storage;

/// <summary>
/// The guarantees of <see cref="IStudyStorage"/>, checked against any implementation. A storage's
/// test class inherits this one, implements <see cref="OpenStorage"/>, and gets the whole suite.
/// </summary>
public abstract class StudyStorageContractTests : IDisposable
{
    protected const string SearchSpace = """{"learning_rate":{"type":"double","min":1e-5,"max":1,"log":true},"layers":{"type":"int","min":1,"max":4}}""";

    protected static readonly DateTime Start = new(2025, 3, 14, 15, 9, 26, DateTimeKind.Utc);

    private readonly List<IStudyStorage> opened = [];

    protected ManualTimeProvider Clock { get; } = new(Start.AddTicks(5358979));

    /// <summary>
    /// Opens a storage on this test's store, which is empty the first time. Every call within
    /// one test must open the same store: a second call stands for a second process, or for the
    /// same program after a restart. The base class disposes what it returns.
    /// </summary>
    protected abstract IStudyStorage OpenStorage(TimeProvider timeProvider);

    protected IStudyStorage Open()
    {
        IStudyStorage storage = OpenStorage(Clock);
        opened.Add(storage);
        return storage;
    }

    public void Dispose()
    {
        foreach (IStudyStorage storage in opened)
        {
            storage.Dispose();
        }

        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private static Task<StudyRecord> CreateStudy(IStudyStorage storage, string name = "mnist-mlp", StudyDirection direction = StudyDirection.Minimize) =>
        storage.CreateStudyAsync(name, "MNIST, MLP 784-256-10", SearchSpace, direction);

    private static string Parameters(int i) => $$"""{"learning_rate":{{0.001 * (i + 1)}},"layers":{{(i % 4) + 1}}}""";

    // ---- studies ----

    [Fact]
    public async Task CreateStudyAsync_NewName_ReturnsStudyWithGivenFieldsAndClockTime()
    {
        IStudyStorage storage = Open();
        var attributes = new Dictionary<string, string> { ["dataset"] = "mnist", ["seed"] = "42" };

        StudyRecord study = await storage.CreateStudyAsync("s", "MNIST", SearchSpace, StudyDirection.Maximize, attributes);
        attributes["seed"] = "changed afterwards";

        Assert.Equal("s", study.Name);
        Assert.Equal("MNIST", study.TaskDescription);
        Assert.Equal(SearchSpace, study.SearchSpaceJson);
        Assert.Equal(StudyDirection.Maximize, study.Direction);
        Assert.Equal(Clock.UtcNow, study.CreatedAtUtc);
        Assert.Equal(DateTimeKind.Utc, study.CreatedAtUtc.Kind);
        Assert.Equal("42", study.Attributes["seed"]);
        Assert.Equal(2, study.Attributes.Count);
    }

    [Fact]
    public async Task GetStudyAsync_AfterCreate_ReturnsEqualRecord()
    {
        IStudyStorage storage = Open();
        StudyRecord created = await storage.CreateStudyAsync("s", "task", SearchSpace, StudyDirection.Minimize, new Dictionary<string, string> { ["k"] = "v" });

        StudyRecord? read = await storage.GetStudyAsync("s");

        Assert.NotNull(read);
        Assert.Equal(created, read);
        Assert.Equal(DateTimeKind.Utc, read.CreatedAtUtc.Kind);
    }

    [Fact]
    public async Task GetStudyAsync_UnknownName_ReturnsNull()
    {
        IStudyStorage storage = Open();
        await CreateStudy(storage, "known");

        Assert.Null(await storage.GetStudyAsync("unknown"));
    }

    [Fact]
    public async Task CreateStudyAsync_ExistingName_ThrowsStorageExceptionAndKeepsTheFirst()
    {
        IStudyStorage storage = Open();
        StudyRecord first = await CreateStudy(storage, "dup");

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.CreateStudyAsync("dup", "other", "{}", StudyDirection.Maximize));

        Assert.Contains("'dup' already exists", ex.Message, StringComparison.Ordinal);
        Assert.Equal(first, await storage.GetStudyAsync("dup"));
        Assert.Single(await storage.ListStudiesAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"a\":")]
    [InlineData("not json")]
    public async Task CreateStudyAsync_InvalidSearchSpaceJson_ThrowsArgumentException(string json)
    {
        IStudyStorage storage = Open();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => storage.CreateStudyAsync("s", "t", json, StudyDirection.Minimize));

        Assert.Equal("searchSpaceJson", ex.ParamName);
        Assert.Empty(await storage.ListStudiesAsync());
    }

    [Fact]
    public async Task CreateStudyAsync_EmptyName_ThrowsArgumentException()
    {
        IStudyStorage storage = Open();

        await Assert.ThrowsAsync<ArgumentException>(() => storage.CreateStudyAsync(string.Empty, "t", SearchSpace, StudyDirection.Minimize));
    }

    [Fact]
    public async Task GetOrCreateStudyAsync_NewName_CreatesStudy()
    {
        IStudyStorage storage = Open();

        StudyRecord study = await storage.GetOrCreateStudyAsync("s", "t", SearchSpace, StudyDirection.Minimize);

        Assert.Equal(study, await storage.GetStudyAsync("s"));
    }

    [Fact]
    public async Task GetOrCreateStudyAsync_SameSpaceFormattedDifferently_ReturnsExistingStudy()
    {
        IStudyStorage storage = Open();
        StudyRecord created = await CreateStudy(storage, "s");
        Clock.Advance(TimeSpan.FromHours(1));
        const string Reformatted = """
            {
              "layers": { "max": 4, "min": 1, "type": "int" },
              "learning_rate": { "type": "double", "min": 0.00001, "max": 1.0, "log": true }
            }
            """;

        StudyRecord resumed = await storage.GetOrCreateStudyAsync("s", "other description", Reformatted, StudyDirection.Minimize);

        Assert.Equal(created, resumed);
        Assert.Single(await storage.ListStudiesAsync());
    }

    [Fact]
    public async Task GetOrCreateStudyAsync_DifferentSearchSpace_ThrowsStorageExceptionShowingBoth()
    {
        IStudyStorage storage = Open();
        StudyRecord created = await CreateStudy(storage, "s");
        const string Other = """{"learning_rate":{"type":"double","min":1e-5,"max":1,"log":true},"layers":{"type":"int","min":1,"max":8}}""";

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.GetOrCreateStudyAsync("s", "t", Other, StudyDirection.Minimize));

        Assert.Contains("'s'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("same search space", ex.Message, StringComparison.Ordinal);
        Assert.Contains(SearchSpace, ex.Message, StringComparison.Ordinal);
        Assert.Contains(Other, ex.Message, StringComparison.Ordinal);
        Assert.Equal(created, await storage.GetStudyAsync("s"));
    }

    [Fact]
    public async Task GetOrCreateStudyAsync_DifferentDirection_ThrowsStorageExceptionNamingBoth()
    {
        IStudyStorage storage = Open();
        await CreateStudy(storage, "s", StudyDirection.Minimize);

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.GetOrCreateStudyAsync("s", "t", SearchSpace, StudyDirection.Maximize));

        Assert.Contains("minimize", ex.Message, StringComparison.Ordinal);
        Assert.Contains("maximize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetOrCreateStudyAsync_ConcurrentCallers_AllGetOneStudy()
    {
        IStudyStorage first = Open();
        IStudyStorage second = Open();

        StudyRecord[] studies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).GetOrCreateStudyAsync("shared", "t", SearchSpace, StudyDirection.Minimize))));

        Assert.Single(studies.Select(s => s.Id).Distinct());
        Assert.Single(await first.ListStudiesAsync());
    }

    [Fact]
    public async Task ListStudiesAsync_SeveralStudies_ReturnsThemInCreationOrderWithAttributes()
    {
        IStudyStorage storage = Open();
        StudyRecord b = await CreateStudy(storage, "b");
        StudyRecord a = await storage.CreateStudyAsync("a", "t", "[1,2]", StudyDirection.Maximize, new Dictionary<string, string> { ["x"] = "1" });
        StudyRecord c = await CreateStudy(storage, "c");

        IReadOnlyList<StudyRecord> studies = await storage.ListStudiesAsync();

        Assert.Equal([b, a, c], studies);
        Assert.Equal("1", studies[1].Attributes["x"]);
    }

    [Fact]
    public async Task DeleteStudyAsync_ExistingStudy_RemovesItWithItsTrialsAndReturnsTrue()
    {
        IStudyStorage storage = Open();
        StudyRecord doomed = await CreateStudy(storage, "doomed");
        StudyRecord kept = await CreateStudy(storage, "kept");
        TrialRecord trial = await storage.CreateTrialAsync(doomed.Id, Parameters(0));
        await storage.ReportIntermediateValueAsync(doomed.Id, trial.Number, 0, 1.0);
        await storage.CompleteTrialAsync(doomed.Id, trial.Number, 0.5, 0.9, 10);
        await storage.CreateTrialAsync(kept.Id, Parameters(1));

        Assert.True(await storage.DeleteStudyAsync("doomed"));

        Assert.Null(await storage.GetStudyAsync("doomed"));
        await Assert.ThrowsAsync<StorageException>(() => storage.GetTrialsAsync(doomed.Id));
        Assert.Single(await storage.GetTrialsAsync(kept.Id));
        StudyRecord again = await CreateStudy(storage, "doomed");
        Assert.NotEqual(doomed.Id, again.Id);
        Assert.Empty(await storage.GetTrialsAsync(again.Id));
    }

    [Fact]
    public async Task DeleteStudyAsync_UnknownName_ReturnsFalse()
    {
        IStudyStorage storage = Open();
        await CreateStudy(storage, "s");

        Assert.False(await storage.DeleteStudyAsync("other"));
        Assert.Single(await storage.ListStudiesAsync());
    }

    [Fact]
    public async Task SetStudyAttributeAsync_NewAndExistingKeys_AddsAndReplaces()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await storage.CreateStudyAsync("s", "t", SearchSpace, StudyDirection.Minimize, new Dictionary<string, string> { ["a"] = "1" });

        await storage.SetStudyAttributeAsync(study.Id, "a", "2");
        await storage.SetStudyAttributeAsync(study.Id, "b", string.Empty);

        StudyRecord? read = await storage.GetStudyAsync("s");
        Assert.NotNull(read);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "2", ["b"] = string.Empty }, read.Attributes);
    }

    [Fact]
    public async Task SetStudyAttributeAsync_UnknownStudy_ThrowsStorageException()
    {
        IStudyStorage storage = Open();

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.SetStudyAttributeAsync(12345, "a", "1"));

        Assert.Contains("Study 12345 does not exist", ex.Message, StringComparison.Ordinal);
    }

    // ---- trials ----

    [Fact]
    public async Task CreateTrialAsync_NewTrial_IsRunningWithClockStartAndNoResults()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        Clock.Advance(TimeSpan.FromSeconds(3));

        TrialRecord trial = await storage.CreateTrialAsync(study.Id, Parameters(0), workerId: "host-1/pid-7");

        Assert.Equal(study.Id, trial.StudyId);
        Assert.Equal(0, trial.Number);
        Assert.Equal(TrialState.Running, trial.State);
        Assert.False(trial.IsFinished);
        Assert.Equal(Parameters(0), trial.ParametersJson);
        Assert.Equal(Clock.UtcNow, trial.StartedAtUtc);
        Assert.Null(trial.EndedAtUtc);
        Assert.Null(trial.Loss);
        Assert.Null(trial.Metric);
        Assert.Null(trial.DurationMilliseconds);
        Assert.Null(trial.Error);
        Assert.Null(trial.RetryOf);
        Assert.Equal("host-1/pid-7", trial.WorkerId);
        Assert.Empty(trial.IntermediateValues);
        Assert.Equal(trial, await storage.GetTrialAsync(study.Id, 0));
    }

    [Fact]
    public async Task CreateTrialAsync_TwoStudiesInterleaved_NumbersAreConsecutiveFromZeroPerStudy()
    {
        IStudyStorage storage = Open();
        StudyRecord a = await CreateStudy(storage, "a");
        StudyRecord b = await CreateStudy(storage, "b");

        var numbersA = new List<int>();
        var numbersB = new List<int>();
        for (int i = 0; i < 5; i++)
        {
            numbersA.Add((await storage.CreateTrialAsync(a.Id, Parameters(i))).Number);
            numbersB.Add((await storage.CreateTrialAsync(b.Id, Parameters(i))).Number);
            numbersB.Add((await storage.CreateTrialAsync(b.Id, Parameters(i))).Number);
        }

        Assert.Equal([0, 1, 2, 3, 4], numbersA);
        Assert.Equal(Enumerable.Range(0, 10), numbersB);
        Assert.Equal(Enumerable.Range(0, 10), (await storage.GetTrialsAsync(b.Id)).Select(t => t.Number));
    }

    [Fact]
    public async Task CreateTrialAsync_UnknownStudy_ThrowsStorageException()
    {
        IStudyStorage storage = Open();

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.CreateTrialAsync(777, Parameters(0)));

        Assert.Contains("Study 777 does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTrialAsync_InvalidParametersJson_ThrowsArgumentExceptionAndCreatesNothing()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => storage.CreateTrialAsync(study.Id, "{lr: 0.1}"));

        Assert.Equal("parametersJson", ex.ParamName);
        Assert.Empty(await storage.GetTrialsAsync(study.Id));
    }

    [Fact]
    public async Task CreateTrialAsync_EightParallelTasksOf25_Numbers0To199EachOnceWithItsOwnParameters()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);

        List<(int Number, string Parameters)>[] perTask = await Task.WhenAll(Enumerable.Range(0, 8).Select(task => Task.Run(async () =>
        {
            var created = new List<(int, string)>();
            for (int i = 0; i < 25; i++)
            {
                string parameters = $$"""{"task":{{task}},"i":{{i}}}""";
                TrialRecord trial = await storage.CreateTrialAsync(study.Id, parameters, workerId: $"worker-{task}");
                created.Add((trial.Number, parameters));
            }

            return created;
        })));

        Assert.Equal(Enumerable.Range(0, 200), perTask.SelectMany(t => t).Select(t => t.Number).Order());
        Assert.All(perTask, t => Assert.Equal(t.Select(x => x.Number).Order(), t.Select(x => x.Number)));
        IReadOnlyList<TrialRecord> stored = await storage.GetTrialsAsync(study.Id);
        Assert.Equal(Enumerable.Range(0, 200), stored.Select(t => t.Number));
        var byNumber = perTask.SelectMany(t => t).ToDictionary(t => t.Number, t => t.Parameters);
        Assert.All(stored, t => Assert.Equal(byNumber[t.Number], t.ParametersJson));
    }

    [Fact]
    public async Task CreateTrialAsync_TwoInstancesOnOneStoreInParallel_Numbers0To199EachOnce()
    {
        IStudyStorage first = Open();
        IStudyStorage second = Open();
        StudyRecord study = await CreateStudy(first);

        int[][] perTask = await Task.WhenAll(Enumerable.Range(0, 8).Select(task => Task.Run(async () =>
        {
            IStudyStorage storage = task % 2 == 0 ? first : second;
            var numbers = new int[25];
            for (int i = 0; i < 25; i++)
            {
                TrialRecord trial = await storage.CreateTrialAsync(study.Id, Parameters(i), workerId: $"process-{task % 2}");
                numbers[i] = trial.Number;
                await storage.CompleteTrialAsync(study.Id, trial.Number, i, -i, 1);
            }

            return numbers;
        })));

        Assert.Equal(Enumerable.Range(0, 200), perTask.SelectMany(n => n).Order());
        IReadOnlyList<TrialRecord> stored = await second.GetTrialsAsync(study.Id);
        Assert.Equal(Enumerable.Range(0, 200), stored.Select(t => t.Number));
        Assert.All(stored, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public async Task CompleteTrialAsync_RunningTrial_StoresLossMetricDurationAndEndTime()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord running = await storage.CreateTrialAsync(study.Id, Parameters(0));
        Clock.Advance(TimeSpan.FromSeconds(90));

        TrialRecord done = await storage.CompleteTrialAsync(study.Id, running.Number, 0.125, 0.97, 90_000.5);

        Assert.Equal(TrialState.Complete, done.State);
        Assert.True(done.IsFinished);
        Assert.Equal(0.125, done.Loss);
        Assert.Equal(0.97, done.Metric);
        Assert.Equal(90_000.5, done.DurationMilliseconds);
        Assert.Equal(running.StartedAtUtc, done.StartedAtUtc);
        Assert.Equal(Clock.UtcNow, done.EndedAtUtc);
        Assert.Null(done.Error);
        Assert.Equal(done, await storage.GetTrialAsync(study.Id, running.Number));
    }

    [Fact]
    public async Task CompleteTrialAsync_WithAttributes_ReadsThemBackSortedWithEveryOtherTrialWithout()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord first = await storage.CreateTrialAsync(study.Id, Parameters(0));
        TrialRecord second = await storage.CreateTrialAsync(study.Id, Parameters(1));
        TrialRecord third = await storage.CreateTrialAsync(study.Id, Parameters(2));
        var attributes = new Dictionary<string, double> { ["train_loss"] = 0.25, ["test_loss"] = 0.4375, ["test_error"] = double.NaN };

        TrialRecord done = await storage.CompleteTrialAsync(study.Id, first.Number, 0.5, 0.9, 10, attributes);
        attributes["test_loss"] = 99;
        await storage.CompleteTrialAsync(study.Id, second.Number, 0.6, 0.8, 10);
        await storage.FailTrialAsync(study.Id, third.Number, "boom");

        Assert.Equal(["test_error", "test_loss", "train_loss"], done.Attributes.Keys);
        Assert.Equal(0.4375, done.Attributes["test_loss"]);
        Assert.True(double.IsNaN(done.Attributes["test_error"]));
        IReadOnlyList<TrialRecord> read = await Open().GetTrialsAsync(study.Id);
        Assert.Equal(done, read[0]);
        Assert.Equal(["test_error", "test_loss", "train_loss"], read[0].Attributes.Keys);
        Assert.Equal(0.25, read[0].Attributes["train_loss"]);
        Assert.Empty(read[1].Attributes);
        Assert.Empty(read[2].Attributes);
        Assert.Equal(done, await storage.GetTrialAsync(study.Id, first.Number));
        Assert.NotEqual(done with { Attributes = new Dictionary<string, double> { ["test_loss"] = 0.4375 } }, read[0]);
    }

    [Fact]
    public async Task PruneTrialAsync_WithAttributes_StoresThemWithThePrunedTrial()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord running = await storage.CreateTrialAsync(study.Id, Parameters(0));

        TrialRecord pruned = await storage.PruneTrialAsync(study.Id, running.Number, 1.5, 0.5, 10, "median", new Dictionary<string, double> { ["proposal_ms"] = 12.5, ["gp.source"] = 1 });

        Assert.Equal(["gp.source", "proposal_ms"], pruned.Attributes.Keys);
        TrialRecord read = (await Open().GetTrialAsync(study.Id, running.Number))!;
        Assert.Equal(TrialState.Pruned, read.State);
        Assert.Equal(12.5, read.Attributes["proposal_ms"]);
        Assert.Equal(pruned, read);
        TrialRecord other = await storage.CreateTrialAsync(study.Id, Parameters(1));
        await Assert.ThrowsAsync<ArgumentException>(() => storage.PruneTrialAsync(study.Id, other.Number, attributes: new Dictionary<string, double> { [" "] = 1 }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task CompleteTrialAsync_AttributeWithBlankKey_ThrowsArgumentExceptionAndKeepsRunning(string key)
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord trial = await storage.CreateTrialAsync(study.Id, Parameters(0));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => storage.CompleteTrialAsync(study.Id, trial.Number, 0, 0, 0, new Dictionary<string, double> { [key] = 1 }));

        Assert.Equal("attributes", ex.ParamName);
        Assert.Contains("test_loss", ex.Message, StringComparison.Ordinal);
        Assert.Equal(trial, await storage.GetTrialAsync(study.Id, trial.Number));
    }

    [Fact]
    public async Task CompleteTrialAsync_FinishedTrialWithAttributes_ThrowsStorageExceptionAndKeepsTheFirstAttributes()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord running = await storage.CreateTrialAsync(study.Id, Parameters(0));
        TrialRecord done = await storage.CompleteTrialAsync(study.Id, running.Number, 1, 2, 3, new Dictionary<string, double> { ["test_loss"] = 1.5 });

        await Assert.ThrowsAsync<StorageException>(() => storage.CompleteTrialAsync(study.Id, running.Number, 1, 2, 3, new Dictionary<string, double> { ["test_loss"] = 7, ["other"] = 8 }));

        Assert.Equal(done, await storage.GetTrialAsync(study.Id, running.Number));
        Assert.Equal(1.5, (await storage.GetTrialAsync(study.Id, running.Number))!.Attributes.Single().Value);
    }

    [Fact]
    public async Task FailTrialAsync_RunningTrial_StoresErrorWithoutLoss()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord running = await storage.CreateTrialAsync(study.Id, Parameters(0));
        Clock.Advance(TimeSpan.FromSeconds(1));

        TrialRecord failed = await storage.FailTrialAsync(study.Id, running.Number, "TorchException: CUDA out of memory", 1000);

        Assert.Equal(TrialState.Failed, failed.State);
        Assert.Equal("TorchException: CUDA out of memory", failed.Error);
        Assert.Null(failed.Loss);
        Assert.Null(failed.Metric);
        Assert.Equal(1000, failed.DurationMilliseconds);
        Assert.Equal(Clock.UtcNow, failed.EndedAtUtc);
        Assert.Equal(failed, await storage.GetTrialAsync(study.Id, running.Number));
    }

    [Fact]
    public async Task PruneTrialAsync_RunningTrial_StoresPrunedStateLastLossAndReason()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord running = await storage.CreateTrialAsync(study.Id, Parameters(0));
        await storage.ReportIntermediateValueAsync(study.Id, running.Number, 0, 2.5);
        await storage.ReportIntermediateValueAsync(study.Id, running.Number, 1, 2.25);

        TrialRecord pruned = await storage.PruneTrialAsync(study.Id, running.Number, loss: 2.25, reason: "median pruner at step 1");

        Assert.Equal(TrialState.Pruned, pruned.State);
        Assert.Equal(2.25, pruned.Loss);
        Assert.Null(pruned.Metric);
        Assert.Null(pruned.DurationMilliseconds);
        Assert.Equal("median pruner at step 1", pruned.Error);
        Assert.Equal([new IntermediateValue(0, 2.5), new IntermediateValue(1, 2.25)], pruned.IntermediateValues);
        Assert.Equal(pruned, await storage.GetTrialAsync(study.Id, running.Number));
    }

    [Fact]
    public async Task InterruptTrialAsync_RunningTrialWithTwoReportedSteps_IsInterruptedKeepingBothValuesAndReason()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord running = await storage.CreateTrialAsync(study.Id, Parameters(0));
        await storage.ReportIntermediateValueAsync(study.Id, running.Number, 1, 0.75);
        await storage.ReportIntermediateValueAsync(study.Id, running.Number, 2, 0.5);
        Clock.Advance(TimeSpan.FromSeconds(2));

        TrialRecord interrupted = await storage.InterruptTrialAsync(study.Id, running.Number, "the time budget ran out", 2000);

        Assert.Equal(TrialState.Interrupted, interrupted.State);
        Assert.True(interrupted.IsFinished);
        Assert.Equal("the time budget ran out", interrupted.Error);
        Assert.Null(interrupted.Loss);
        Assert.Null(interrupted.Metric);
        Assert.Equal(2000, interrupted.DurationMilliseconds);
        Assert.Equal(Clock.UtcNow, interrupted.EndedAtUtc);
        Assert.Equal([new IntermediateValue(1, 0.75), new IntermediateValue(2, 0.5)], interrupted.IntermediateValues);
        Assert.Equal(interrupted, await Open().GetTrialAsync(study.Id, running.Number));
    }

    public enum Finish
    {
        Complete,
        Fail,
        Prune,
        Interrupt,
    }

    public enum Change
    {
        Complete,
        Fail,
        Prune,
        Interrupt,
        ReportIntermediateValue,
    }

    public static TheoryData<Finish, Change> FinishedTrialChanges()
    {
        var data = new TheoryData<Finish, Change>();
        foreach (Finish finish in Enum.GetValues<Finish>())
        {
            foreach (Change change in Enum.GetValues<Change>())
            {
                data.Add(finish, change);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FinishedTrialChanges))]
    public async Task AnyChange_FinishedTrial_ThrowsStorageExceptionAndKeepsTrial(Finish finish, Change change)
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord running = await storage.CreateTrialAsync(study.Id, Parameters(0));
        await storage.ReportIntermediateValueAsync(study.Id, running.Number, 0, 3.0);
        TrialRecord finished = finish switch
        {
            Finish.Complete => await storage.CompleteTrialAsync(study.Id, running.Number, 1, 2, 3),
            Finish.Fail => await storage.FailTrialAsync(study.Id, running.Number, "boom", 3),
            Finish.Interrupt => await storage.InterruptTrialAsync(study.Id, running.Number, "the time budget ran out", 3),
            _ => await storage.PruneTrialAsync(study.Id, running.Number, 1, null, 3),
        };
        Clock.Advance(TimeSpan.FromMinutes(1));

        var ex = await Assert.ThrowsAsync<StorageException>(() => change switch
        {
            Change.Complete => storage.CompleteTrialAsync(study.Id, running.Number, 0, 0, 0),
            Change.Fail => storage.FailTrialAsync(study.Id, running.Number, "again"),
            Change.Prune => storage.PruneTrialAsync(study.Id, running.Number),
            Change.Interrupt => storage.InterruptTrialAsync(study.Id, running.Number, "cancelled by the caller"),
            _ => storage.ReportIntermediateValueAsync(study.Id, running.Number, 0, 99.0),
        });

        Assert.Contains("immutable", ex.Message, StringComparison.Ordinal);
        Assert.Contains("trial 0 of study 'mnist-mlp'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(finished.State.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Equal(finished, await storage.GetTrialAsync(study.Id, running.Number));
    }

    [Fact]
    public async Task CompleteTrialAsync_TwoConcurrentCallers_ExactlyOneWins()
    {
        IStudyStorage first = Open();
        IStudyStorage second = Open();
        StudyRecord study = await CreateStudy(first);
        var trials = new List<TrialRecord>();
        for (int i = 0; i < 20; i++)
        {
            trials.Add(await first.CreateTrialAsync(study.Id, Parameters(i)));
        }

        foreach (TrialRecord trial in trials)
        {
            Task<TrialRecord> a = Task.Run(() => first.CompleteTrialAsync(study.Id, trial.Number, 1, 1, 1));
            Task<TrialRecord> b = Task.Run(() => second.FailTrialAsync(study.Id, trial.Number, "lost the race"));
            await Task.WhenAll(a, b).ContinueWith(_ => { }, TaskScheduler.Default);

            Assert.Equal(1, (a.IsCompletedSuccessfully ? 1 : 0) + (b.IsCompletedSuccessfully ? 1 : 0));
            Task<TrialRecord> loser = a.IsCompletedSuccessfully ? b : a;
            Assert.IsType<StorageException>(loser.Exception?.InnerException);
            TrialRecord winner = await (a.IsCompletedSuccessfully ? a : b);
            Assert.Equal(winner, await second.GetTrialAsync(study.Id, trial.Number));
        }
    }

    [Fact]
    public async Task CompleteTrialAsync_UnknownTrial_ThrowsStorageException()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        await storage.CreateTrialAsync(study.Id, Parameters(0));

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.CompleteTrialAsync(study.Id, 1, 0, 0, 0));

        Assert.Contains("no trial with this number", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public async Task CompleteTrialAsync_InvalidDuration_ThrowsArgumentOutOfRangeAndKeepsRunning(double duration)
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord trial = await storage.CreateTrialAsync(study.Id, Parameters(0));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.CompleteTrialAsync(study.Id, trial.Number, 0, 0, duration));

        Assert.Equal(trial, await storage.GetTrialAsync(study.Id, trial.Number));
    }

    [Fact]
    public async Task ReportIntermediateValueAsync_StepsOutOfOrder_ReturnsValuesOrderedByStep()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord trial = await storage.CreateTrialAsync(study.Id, Parameters(0));
        TrialRecord other = await storage.CreateTrialAsync(study.Id, Parameters(1));

        foreach (int step in new[] { 3, 0, 10, 1, 2 })
        {
            await storage.ReportIntermediateValueAsync(study.Id, trial.Number, step, 1.0 / (step + 1));
        }

        await storage.ReportIntermediateValueAsync(study.Id, other.Number, 0, 42);

        TrialRecord? read = await storage.GetTrialAsync(study.Id, trial.Number);
        Assert.NotNull(read);
        Assert.Equal(new[] { 0, 1, 2, 3, 10 }.Select(s => new IntermediateValue(s, 1.0 / (s + 1))), read.IntermediateValues);
        Assert.Equal([new IntermediateValue(0, 42)], (await storage.GetTrialsAsync(study.Id))[1].IntermediateValues);
    }

    [Fact]
    public async Task ReportIntermediateValueAsync_SameStepTwice_KeepsTheLastValue()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord trial = await storage.CreateTrialAsync(study.Id, Parameters(0));

        await storage.ReportIntermediateValueAsync(study.Id, trial.Number, 4, 1.5);
        await storage.ReportIntermediateValueAsync(study.Id, trial.Number, 4, 0.5);

        TrialRecord? read = await storage.GetTrialAsync(study.Id, trial.Number);
        Assert.Equal([new IntermediateValue(4, 0.5)], read!.IntermediateValues);
    }

    [Fact]
    public async Task ReportIntermediateValueAsync_NegativeStep_ThrowsArgumentOutOfRange()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord trial = await storage.CreateTrialAsync(study.Id, Parameters(0));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ReportIntermediateValueAsync(study.Id, trial.Number, -1, 0));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.MaxValue)]
    [InlineData(double.Epsilon)]
    [InlineData(-0.0)]
    [InlineData(0.1)]
    public async Task CompleteTrialAsync_SpecialDoubles_RoundTripBitForBit(double value)
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord trial = await storage.CreateTrialAsync(study.Id, Parameters(0));
        TrialRecord pruned = await storage.CreateTrialAsync(study.Id, Parameters(1));

        await storage.ReportIntermediateValueAsync(study.Id, trial.Number, 0, value);
        await storage.CompleteTrialAsync(study.Id, trial.Number, value, value, 0, new Dictionary<string, double> { ["test_loss"] = value });
        await storage.PruneTrialAsync(study.Id, pruned.Number, value, value);

        IReadOnlyList<TrialRecord> read = await Open().GetTrialsAsync(study.Id);
        foreach (double? stored in new[] { read[0].Loss, read[0].Metric, read[0].IntermediateValues[0].Value, read[0].Attributes["test_loss"], read[1].Loss, read[1].Metric })
        {
            Assert.NotNull(stored);
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(stored.Value));
        }
    }

    [Fact]
    public async Task InterruptStaleRunningTrialsAsync_MixedStates_InterruptsOnlyRunningTrials()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        StudyRecord otherStudy = await CreateStudy(storage, "other");
        for (int i = 0; i < 6; i++)
        {
            await storage.CreateTrialAsync(study.Id, Parameters(i));
        }

        TrialRecord otherRunning = await storage.CreateTrialAsync(otherStudy.Id, Parameters(0));
        TrialRecord complete = await storage.CompleteTrialAsync(study.Id, 0, 1, 1, 1);
        TrialRecord failed = await storage.FailTrialAsync(study.Id, 2, "error");
        TrialRecord pruned = await storage.PruneTrialAsync(study.Id, 4);
        await storage.ReportIntermediateValueAsync(study.Id, 3, 0, 0.75);
        Clock.Advance(TimeSpan.FromHours(2));

        IReadOnlyList<TrialRecord> stale = await Open().InterruptStaleRunningTrialsAsync(study.Id, "the process running it ended before it finished");

        Assert.Equal([1, 3, 5], stale.Select(t => t.Number));
        Assert.All(stale, t =>
        {
            Assert.Equal(TrialState.Interrupted, t.State);
            Assert.Equal("the process running it ended before it finished", t.Error);
            Assert.Equal(Clock.UtcNow, t.EndedAtUtc);
            Assert.Null(t.DurationMilliseconds);
        });
        Assert.Equal([new IntermediateValue(0, 0.75)], stale[1].IntermediateValues);
        IReadOnlyList<TrialRecord> all = await storage.GetTrialsAsync(study.Id);
        Assert.Equal(complete, all[0]);
        Assert.Equal(failed, all[2]);
        Assert.Equal(pruned, all[4]);
        Assert.Equal(stale, new[] { all[1], all[3], all[5] });
        Assert.Equal(otherRunning, await storage.GetTrialAsync(otherStudy.Id, 0));
        Assert.Empty(await storage.InterruptStaleRunningTrialsAsync(study.Id, "again"));
    }

    [Fact]
    public async Task InterruptStaleRunningTrialsAsync_WithWorkerId_InterruptsOnlyThatWorkersTrials()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        await storage.CreateTrialAsync(study.Id, Parameters(0), workerId: "dead");
        TrialRecord alive = await storage.CreateTrialAsync(study.Id, Parameters(1), workerId: "alive");
        await storage.CreateTrialAsync(study.Id, Parameters(2), workerId: "dead");
        TrialRecord anonymous = await storage.CreateTrialAsync(study.Id, Parameters(3));

        IReadOnlyList<TrialRecord> stale = await storage.InterruptStaleRunningTrialsAsync(study.Id, "worker 'dead' restarted", workerId: "dead");

        Assert.Equal([0, 2], stale.Select(t => t.Number));
        Assert.Equal(alive, await storage.GetTrialAsync(study.Id, 1));
        Assert.Equal(anonymous, await storage.GetTrialAsync(study.Id, 3));
    }

    [Fact]
    public async Task CreateTrialAsync_RetryOfInterruptedTrial_RecordsWhichTrialItRetries()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord original = await storage.CreateTrialAsync(study.Id, Parameters(0), workerId: "w");
        await storage.InterruptStaleRunningTrialsAsync(study.Id, "killed");

        TrialRecord retry = await storage.CreateTrialAsync(study.Id, original.ParametersJson, workerId: "w", retryOf: original.Number);

        Assert.Equal(1, retry.Number);
        Assert.Equal(0, retry.RetryOf);
        Assert.Equal(retry, await storage.GetTrialAsync(study.Id, 1));
    }

    [Fact]
    public async Task CreateTrialAsync_RetryOfTrialAlreadyRetried_ThrowsStorageExceptionAndCreatesNothing()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        TrialRecord original = await storage.CreateTrialAsync(study.Id, Parameters(0));
        await storage.InterruptTrialAsync(study.Id, original.Number, "cancelled by the caller");
        await storage.CreateTrialAsync(study.Id, original.ParametersJson, retryOf: original.Number);

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.CreateTrialAsync(study.Id, original.ParametersJson, retryOf: original.Number));

        Assert.Contains("trial 1 already retries it", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await storage.GetTrialsAsync(study.Id)).Count);
    }

    [Fact]
    public async Task ClaimRetryAsync_InterruptedFailedAndCompleteTrials_RetriesOnlyInterruptedOnesOldestFirstEachOnce()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        for (int i = 0; i < 5; i++)
        {
            await storage.CreateTrialAsync(study.Id, Parameters(i));
        }

        await storage.CompleteTrialAsync(study.Id, 0, 1, 1, 1);
        await storage.InterruptTrialAsync(study.Id, 1, "the time budget ran out");
        await storage.FailTrialAsync(study.Id, 2, "diverged");
        await storage.InterruptTrialAsync(study.Id, 3, "cancelled by the caller");
        await storage.PruneTrialAsync(study.Id, 4);
        Clock.Advance(TimeSpan.FromMinutes(5));

        TrialRecord? first = await storage.ClaimRetryAsync(study.Id, "worker-a");
        TrialRecord? second = await Open().ClaimRetryAsync(study.Id, "worker-b");
        TrialRecord? none = await storage.ClaimRetryAsync(study.Id, "worker-a");

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(none);
        Assert.Equal((5, 1, Parameters(1), "worker-a"), (first.Number, first.RetryOf!.Value, first.ParametersJson, first.WorkerId!));
        Assert.Equal((6, 3, Parameters(3), "worker-b"), (second.Number, second.RetryOf!.Value, second.ParametersJson, second.WorkerId!));
        Assert.Equal(TrialState.Running, first.State);
        Assert.Equal(Clock.UtcNow, first.StartedAtUtc);
        Assert.Equal(first, await storage.GetTrialAsync(study.Id, 5));
        Assert.Equal(7, (await storage.GetTrialsAsync(study.Id)).Count);
    }

    [Fact]
    public async Task ClaimRetryAsync_RetryInterruptedAgain_IsItselfRetried()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        await storage.CreateTrialAsync(study.Id, Parameters(0));
        await storage.InterruptTrialAsync(study.Id, 0, "the time budget ran out");
        TrialRecord retry = (await storage.ClaimRetryAsync(study.Id))!;
        await storage.InterruptTrialAsync(study.Id, retry.Number, "cancelled by the caller");

        TrialRecord? again = await storage.ClaimRetryAsync(study.Id);

        Assert.NotNull(again);
        Assert.Equal(retry.Number, again.RetryOf);
        Assert.Equal(Parameters(0), again.ParametersJson);
    }

    [Fact]
    public async Task ClaimRetryAsync_TwoInstancesRacingOverTwentyInterruptedTrials_EachIsRetriedExactlyOnce()
    {
        IStudyStorage first = Open();
        IStudyStorage second = Open();
        StudyRecord study = await CreateStudy(first);
        for (int i = 0; i < 20; i++)
        {
            await first.CreateTrialAsync(study.Id, Parameters(i), workerId: "killed");
        }

        await first.InterruptStaleRunningTrialsAsync(study.Id, "the process running it stopped before it finished");

        List<TrialRecord>[] claimed = await Task.WhenAll(Enumerable.Range(0, 6).Select(task => Task.Run(async () =>
        {
            IStudyStorage storage = task % 2 == 0 ? first : second;
            var mine = new List<TrialRecord>();
            while (await storage.ClaimRetryAsync(study.Id, $"worker-{task}") is { } retry)
            {
                mine.Add(retry);
            }

            return mine;
        })));

        Assert.Equal(Enumerable.Range(0, 20), claimed.SelectMany(c => c).Select(r => r.RetryOf!.Value).Order());
        Assert.Equal(Enumerable.Range(20, 20), claimed.SelectMany(c => c).Select(r => r.Number).Order());
        Assert.All(claimed.SelectMany(c => c), r => Assert.Equal(Parameters(r.RetryOf!.Value), r.ParametersJson));
    }

    [Fact]
    public async Task ClaimRetryAsync_UnknownStudy_ThrowsStorageException()
    {
        IStudyStorage storage = Open();

        await Assert.ThrowsAsync<StorageException>(() => storage.ClaimRetryAsync(4242));
    }

    [Fact]
    public async Task TryCreateTrialAsync_NewParameters_CreatesRunningTrialWithNextNumber()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        await storage.CreateTrialAsync(study.Id, Parameters(0));

        TrialCreation creation = await storage.TryCreateTrialAsync(study.Id, Parameters(1), workerId: "w");

        Assert.True(creation.IsCreated);
        Assert.Null(creation.DuplicateOf);
        Assert.Equal(2, creation.NextNumber);
        Assert.Equal((1, TrialState.Running, "w"), (creation.Trial!.Number, creation.Trial.State, creation.Trial.WorkerId!));
        Assert.Equal(creation.Trial, await storage.GetTrialAsync(study.Id, 1));
    }

    [Fact]
    public async Task TryCreateTrialAsync_ParametersOfAnExistingTrial_CreatesNothingAndNamesTheTrial()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        StudyRecord other = await CreateStudy(storage, "other");
        for (int i = 0; i < 3; i++)
        {
            await storage.CreateTrialAsync(study.Id, Parameters(i));
        }

        await storage.FailTrialAsync(study.Id, 1, "diverged");

        TrialCreation duplicate = await storage.TryCreateTrialAsync(study.Id, Parameters(1));
        TrialCreation elsewhere = await storage.TryCreateTrialAsync(other.Id, Parameters(1));

        Assert.False(duplicate.IsCreated);
        Assert.Equal(1, duplicate.DuplicateOf);
        Assert.Equal(3, duplicate.NextNumber);
        Assert.Equal(3, (await storage.GetTrialsAsync(study.Id)).Count);
        Assert.True(elsewhere.IsCreated);
        Assert.Equal(0, elsewhere.Trial!.Number);
    }

    [Fact]
    public async Task TryCreateTrialAsync_TwoInstancesRacingWithTheSameTenProposals_EachProposalIsCreatedOnce()
    {
        IStudyStorage first = Open();
        IStudyStorage second = Open();
        StudyRecord study = await CreateStudy(first);

        TrialCreation[][] results = await Task.WhenAll(Enumerable.Range(0, 4).Select(task => Task.Run(async () =>
        {
            IStudyStorage storage = task % 2 == 0 ? first : second;
            var mine = new TrialCreation[10];
            for (int i = 0; i < 10; i++)
            {
                mine[i] = await storage.TryCreateTrialAsync(study.Id, Parameters(i), $"worker-{task}");
            }

            return mine;
        })));

        Assert.Equal(10, results.SelectMany(r => r).Count(c => c.IsCreated));
        IReadOnlyList<TrialRecord> stored = await first.GetTrialsAsync(study.Id);
        Assert.Equal(Enumerable.Range(0, 10).Select(Parameters).Order(StringComparer.Ordinal), stored.Select(t => t.ParametersJson).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, 10), stored.Select(t => t.Number));
    }

    // ---- the study-wide trial budget ----

    [Fact]
    public async Task TryCreateTrialAsync_EightWorkersOnTwoInstancesRacingForABudgetOfTwenty_CreateExactlyTwentyTrials()
    {
        IStudyStorage first = Open();
        IStudyStorage second = Open();
        StudyRecord study = await CreateStudy(first);
        const int budget = 20;

        // Each worker creates trials until the budget says no, finishing each in a different state (all four count).
        (List<TrialRecord> Created, TrialCreation Last)[] workers = await Task.WhenAll(Enumerable.Range(0, 8).Select(task => Task.Run(async () =>
        {
            IStudyStorage storage = task % 2 == 0 ? first : second;
            var created = new List<TrialRecord>();
            for (int i = 0; ; i++)
            {
                TrialCreation creation = await storage.TryCreateTrialAsync(study.Id, Parameters((task * 100) + i), $"worker-{task}", maxTrials: budget);
                if (creation.Trial is not { } trial)
                {
                    return (created, creation);
                }

                created.Add(trial);
                _ = (created.Count % 4) switch
                {
                    0 => await storage.CompleteTrialAsync(study.Id, trial.Number, 0.5, 0.9, 1),
                    1 => await storage.FailTrialAsync(study.Id, trial.Number, "diverged"),
                    2 => await storage.PruneTrialAsync(study.Id, trial.Number),
                    _ => trial,
                };
            }
        })));

        IReadOnlyList<TrialRecord> stored = await first.GetTrialsAsync(study.Id);
        Assert.Equal(budget, workers.Sum(w => w.Created.Count));
        Assert.Equal(Enumerable.Range(0, budget), stored.Select(t => t.Number));
        Assert.Equal(budget, stored.Select(t => t.ParametersJson).Distinct(StringComparer.Ordinal).Count());
        Assert.All(workers, w => Assert.True(w.Last.IsBudgetExhausted, $"a worker stopped without the budget being exhausted: {w.Last}"));
        Assert.All(workers, w => Assert.Equal(new TrialCreation(null, null, budget, IsBudgetExhausted: true), w.Last));
    }

    [Fact]
    public async Task TryCreateTrialAsync_Budget_CountsRunningCompleteFailedAndPrunedTrialsButNotInterruptedOnes()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        for (int i = 0; i < 5; i++)
        {
            await storage.CreateTrialAsync(study.Id, Parameters(i));
        }

        await storage.CompleteTrialAsync(study.Id, 0, 0.1, 0.9, 10);
        await storage.FailTrialAsync(study.Id, 1, "diverged");
        await storage.PruneTrialAsync(study.Id, 2);
        await storage.InterruptTrialAsync(study.Id, 4, "the time budget ran out");

        TrialCreation fifth = await storage.TryCreateTrialAsync(study.Id, Parameters(5), maxTrials: 5);
        TrialCreation sixth = await storage.TryCreateTrialAsync(study.Id, Parameters(6), maxTrials: 5);
        TrialCreation duplicateAtTheLimit = await storage.TryCreateTrialAsync(study.Id, Parameters(0), maxTrials: 5);

        Assert.Equal((5, false), (fifth.Trial!.Number, fifth.IsBudgetExhausted));
        Assert.Equal(new TrialCreation(null, null, 6, IsBudgetExhausted: true), sixth);
        Assert.Equal(new TrialCreation(null, null, 6, IsBudgetExhausted: true), duplicateAtTheLimit);
        Assert.Equal(6, (await storage.GetTrialsAsync(study.Id)).Count);
        Assert.Equal([true, true, true, true, false, true], (await storage.GetTrialsAsync(study.Id)).Select(t => TrialBudget.Counts(t.State)));
    }

    [Fact]
    public async Task TryCreateTrialAsync_AcceptDuplicate_CreatesATrialWithParametersAnotherHasWithinTheBudget()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        await storage.CreateTrialAsync(study.Id, Parameters(0));

        TrialCreation again = await storage.TryCreateTrialAsync(study.Id, Parameters(0), "w", maxTrials: 2, acceptDuplicate: true);
        TrialCreation over = await storage.TryCreateTrialAsync(study.Id, Parameters(0), "w", maxTrials: 2, acceptDuplicate: true);

        Assert.Equal((1, Parameters(0)), (again.Trial!.Number, again.Trial.ParametersJson));
        Assert.True(over.IsBudgetExhausted);
        Assert.Equal(2, (await storage.GetTrialsAsync(study.Id)).Count);
    }

    [Fact]
    public async Task ClaimRetryAsync_Budget_ARetryReplacesItsInterruptedTrialAndIsRefusedOnceNewTrialsFilledTheBudget()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        for (int i = 0; i < 4; i++)
        {
            await storage.CreateTrialAsync(study.Id, Parameters(i), workerId: "killed");
        }

        await storage.InterruptTrialAsync(study.Id, 1, "the process running it stopped before it finished");
        await storage.InterruptTrialAsync(study.Id, 2, "the process running it stopped before it finished");

        // Budget 4: trial 1's retry fits in its place; then a new trial takes trial 2's place, and trial 2 is no longer retried.
        TrialRecord? retryOfOne = await storage.ClaimRetryAsync(study.Id, "w", maxTrials: 4);
        TrialCreation newTrial = await storage.TryCreateTrialAsync(study.Id, Parameters(9), "w", maxTrials: 4);
        TrialRecord? refused = await storage.ClaimRetryAsync(study.Id, "w", maxTrials: 4);
        TrialRecord? withRoom = await storage.ClaimRetryAsync(study.Id, "w", maxTrials: 5);

        Assert.Equal((4, 1), (retryOfOne!.Number, retryOfOne.RetryOf));
        Assert.Equal(5, newTrial.Trial!.Number);
        Assert.Null(refused);
        Assert.Equal((6, 2), (withRoom!.Number, withRoom.RetryOf));
        Assert.Equal(5, (await storage.GetTrialsAsync(study.Id)).Count(t => TrialBudget.Counts(t.State)));
    }

    [Fact]
    public async Task ClaimRetryAndTryCreate_EightWorkersRetryingAndCreatingForABudgetOfTwenty_EndWithExactlyTwentyCountedTrials()
    {
        IStudyStorage first = Open();
        IStudyStorage second = Open();
        StudyRecord study = await CreateStudy(first);
        const int budget = 20;

        // Each worker's first trial is interrupted (as by its time budget): the others retry it, or fill its place with a new one.
        List<TrialRecord>[] runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(task => Task.Run(async () =>
        {
            IStudyStorage storage = task % 2 == 0 ? first : second;
            var ran = new List<TrialRecord>();
            for (int i = 0; ; i++)
            {
                TrialRecord? trial = await storage.ClaimRetryAsync(study.Id, $"worker-{task}", maxTrials: budget)
                    ?? (await storage.TryCreateTrialAsync(study.Id, Parameters((task * 100) + i), $"worker-{task}", maxTrials: budget)).Trial;
                if (trial is null)
                {
                    return ran;
                }

                ran.Add(trial);
                _ = i == 0
                    ? await storage.InterruptTrialAsync(study.Id, trial.Number, "the time budget ran out")
                    : await storage.CompleteTrialAsync(study.Id, trial.Number, 0.5, 0.9, 1);
            }
        })));

        IReadOnlyList<TrialRecord> stored = await first.GetTrialsAsync(study.Id);
        Assert.Equal(budget, stored.Count(t => TrialBudget.Counts(t.State)));
        Assert.Equal(Enumerable.Range(0, stored.Count), stored.Select(t => t.Number));
        Assert.Equal(stored.Count, runs.Sum(r => r.Count));
        List<int> retried = [.. stored.Where(t => t.RetryOf is not null).Select(t => t.RetryOf!.Value)];
        Assert.Equal(retried.Count, retried.Distinct().Count());
        Assert.All(stored.Where(t => t.RetryOf is not null), t => Assert.Equal(stored[t.RetryOf!.Value].ParametersJson, t.ParametersJson));
        Assert.Equal(
            stored.Count(t => t.RetryOf is null),
            stored.Where(t => t.RetryOf is null).Select(t => t.ParametersJson).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task TryCreateAndClaimRetry_BudgetBelowOne_ThrowArgumentOutOfRangeAndCreateNothing()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.TryCreateTrialAsync(study.Id, Parameters(0), maxTrials: 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ClaimRetryAsync(study.Id, maxTrials: -1));
        Assert.Empty(await storage.GetTrialsAsync(study.Id));
    }

    [Fact]
    public async Task CreateTrialAsync_RetryOfMissingTrial_ThrowsStorageExceptionAndCreatesNothing()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        await storage.CreateTrialAsync(study.Id, Parameters(0));

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.CreateTrialAsync(study.Id, Parameters(1), retryOf: 5));

        Assert.Contains("cannot retry trial 5", ex.Message, StringComparison.Ordinal);
        Assert.Single(await storage.GetTrialsAsync(study.Id));
    }

    [Fact]
    public async Task GetTrialsAsync_UnknownStudy_ThrowsStorageException()
    {
        IStudyStorage storage = Open();

        await Assert.ThrowsAsync<StorageException>(() => storage.GetTrialsAsync(99));
    }

    [Fact]
    public async Task GetTrialAsync_UnknownNumber_ReturnsNull()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        await storage.CreateTrialAsync(study.Id, Parameters(0));

        Assert.Null(await storage.GetTrialAsync(study.Id, 1));
    }

    [Fact]
    public async Task Reopen_AfterDispose_KeepsStudiesTrialsAndValues()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await storage.CreateStudyAsync("s", "task", SearchSpace, StudyDirection.Maximize, new Dictionary<string, string> { ["seed"] = "7" });
        await storage.SetStudyAttributeAsync(study.Id, "note", "résumé ✓");
        for (int i = 0; i < 5; i++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(1.2345));
            await storage.CreateTrialAsync(study.Id, Parameters(i), workerId: "w");
            await storage.ReportIntermediateValueAsync(study.Id, i, 0, i + 0.5);
        }

        await storage.CompleteTrialAsync(study.Id, 0, double.NaN, 0.5, 12.25, new Dictionary<string, double> { ["test_loss"] = 0.75, ["gap"] = double.NaN });
        await storage.FailTrialAsync(study.Id, 1, "boom");
        await storage.PruneTrialAsync(study.Id, 2, double.PositiveInfinity);
        await storage.InterruptStaleRunningTrialsAsync(study.Id, "stale", workerId: "w");
        await storage.CreateTrialAsync(study.Id, Parameters(9), retryOf: 1);
        IReadOnlyList<StudyRecord> studiesBefore = await storage.ListStudiesAsync();
        IReadOnlyList<TrialRecord> trialsBefore = await storage.GetTrialsAsync(study.Id);
        storage.Dispose();

        IStudyStorage reopened = Open();

        Assert.Equal(studiesBefore, await reopened.ListStudiesAsync());
        Assert.Equal(trialsBefore, await reopened.GetTrialsAsync(study.Id));
        Assert.Equal(2, trialsBefore[0].Attributes.Count);
        Assert.Equal(6, (await reopened.CreateTrialAsync(study.Id, Parameters(6))).Number);
    }

    [Fact]
    public async Task AnyCall_AfterDispose_ThrowsObjectDisposedException()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        storage.Dispose();
        storage.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.ListStudiesAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.CreateTrialAsync(study.Id, Parameters(0)));
    }

    [Fact]
    public async Task CreateTrialAsync_CanceledToken_ThrowsAndCreatesNothing()
    {
        IStudyStorage storage = Open();
        StudyRecord study = await CreateStudy(storage);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.CreateTrialAsync(study.Id, Parameters(0), cancellationToken: cancellation.Token));

        Assert.Empty(await storage.GetTrialsAsync(study.Id));
    }
}
