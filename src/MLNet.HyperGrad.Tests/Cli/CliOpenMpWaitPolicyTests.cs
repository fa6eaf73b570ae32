namespace MLNet.HyperGrad.Tests.Cli;

/// <summary>
/// The CLI makes libtorch's idle OpenMP threads sleep rather than spin (parallel trials slowed each other
/// 4–16 times), unless the user chose a wait policy. libgomp prints the settings it loaded with
/// <c>OMP_DISPLAY_ENV=VERBOSE</c>: an unset policy spins (GOMP_SPINCOUNT 300000), a passive one does not (0).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CliOpenMpWaitPolicyTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-omp-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Tune_WaitPolicyUnset_LibTorchLoadsWithPassiveWaitAndNoSpinning()
    {
        string errors = RunReportingOpenMp(null);

        Assert.Contains("OMP_WAIT_POLICY = 'PASSIVE'", errors, StringComparison.Ordinal);
        Assert.Contains("GOMP_SPINCOUNT = '0'", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Tune_UserSetActiveWaitPolicy_KeepsTheUsersChoice()
    {
        string errors = RunReportingOpenMp("ACTIVE");

        Assert.Contains("OMP_WAIT_POLICY = 'ACTIVE'", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("GOMP_SPINCOUNT = '0'", errors, StringComparison.Ordinal);
    }

    private string RunReportingOpenMp(string? waitPolicy)
    {
        string csv = SklearnCsv.Export("iris", directory);
        var environment = new Dictionary<string, string?> { ["OMP_WAIT_POLICY"] = waitPolicy, ["OMP_DISPLAY_ENV"] = "VERBOSE", ["GOMP_SPINCOUNT"] = null };
        using HypergradProcess run = HypergradProcess.RunWithEnvironment(directory, TimeSpan.FromMinutes(4), environment,
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--max-trials", "1", "--max-epochs", "1", "-o", Path.Combine(directory, "out"));

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        return run.Errors + run.Output;
    }
}
