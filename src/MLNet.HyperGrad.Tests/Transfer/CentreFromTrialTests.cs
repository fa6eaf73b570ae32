using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Transfer;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Transfer;

/// <summary>
/// <see cref="MetaGaussianProcessTunerOptions.CentreFromTrial"/>: when the new task's offset is centred on the prior (issue 11,
/// H35). The refit is off in these runs, so the offset the tuner used at each proposal is exactly 0 or the centring offset
/// <c>a₀ = mean(z − m(x))</c>, and the schedule can be read off <see cref="MetaGaussianProcessTuner.LastOutputMap"/>.
/// </summary>
public sealed class CentreFromTrialTests(ITestOutputHelper output)
{
    private static readonly SearchSpace Space = new() { ["x0"] = new UniformDoubleOption(0, 1), ["x1"] = new UniformDoubleOption(0, 1) };
    private static readonly double[][] Points = SyntheticTasks.Points(120, 8);

    [Fact]
    public void Propose_EmpiricalPriorAutomatic_OffsetZeroForTrials2And3CentredFrom4()
    {
        PretrainedGpPrior prior = SyntheticTasks.EmpiricalFamilyPrior;
        Assert.True(prior.HasEmpiricalCovariance);
        Assert.Equal(4, new MetaGaussianProcessTunerOptions().EffectiveCentreFromTrial(prior));
        (double?[] offsets, double[] centring) = Run(prior, new MetaGaussianProcessTunerOptions { RefitOutputScaleAndNoise = false }, 5);
        Assert.Null(offsets[0]);
        Assert.Equal(0.0, offsets[1]);
        Assert.Equal(0.0, offsets[2]);
        Assert.Equal(centring[3], offsets[3]!.Value, 12);
        Assert.Equal(centring[4], offsets[4]!.Value, 12);
        Assert.True(Math.Abs(centring[3]) > 1e-3, $"a₀ = {centring[3]} at trial 4: too close to 0 for the check to tell centred from not");
    }

    [Fact]
    public void Propose_StationaryPriorAutomatic_CentredFromTrial2()
    {
        PretrainedGpPrior prior = SyntheticTasks.FamilyPrior;
        Assert.False(prior.HasEmpiricalCovariance);
        Assert.Equal(1, new MetaGaussianProcessTunerOptions().EffectiveCentreFromTrial(prior));
        (double?[] offsets, double[] centring) = Run(prior, new MetaGaussianProcessTunerOptions { RefitOutputScaleAndNoise = false }, 3);
        Assert.Null(offsets[0]);
        Assert.Equal(centring[1], offsets[1]!.Value, 12);
        Assert.Equal(centring[2], offsets[2]!.Value, 12);
        Assert.True(Math.Abs(centring[1]) > 1e-3, $"a₀ = {centring[1]} at trial 2: too close to 0 for the check to tell centred from not");
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(1, false)]
    public void Propose_ExplicitSchedule_CentresFromThatTrialOnly(int centreFrom, bool centreOnPrior)
    {
        PretrainedGpPrior prior = SyntheticTasks.EmpiricalFamilyPrior;
        var options = new MetaGaussianProcessTunerOptions { RefitOutputScaleAndNoise = false, CentreFromTrial = centreFrom, CentreOnPrior = centreOnPrior };
        (double?[] offsets, double[] centring) = Run(prior, options, 4);
        for (int trial = 2; trial <= 4; trial++)
        {
            bool centred = centreOnPrior && trial >= centreFrom;
            Assert.True(Math.Abs(centring[trial - 1]) > 1e-3, $"a₀ = {centring[trial - 1]} at trial {trial}: too close to 0 to tell");
            Assert.Equal(centred ? centring[trial - 1] : 0.0, offsets[trial - 1]!.Value, 12);
        }
    }

    [Fact]
    public void Options_CentreFromTrialOutOfRange_ThrowsSayingWhich()
    {
        var e = Assert.Throws<ArgumentException>(() => new MetaGaussianProcessTunerOptions { CentreFromTrial = 0 }.Validate());
        Assert.Contains("CentreFromTrial must be null (automatic) or in [1, 10000], got 0.", e.Message, StringComparison.Ordinal);
        new MetaGaussianProcessTunerOptions { CentreFromTrial = null }.Validate();
        Assert.Equal(int.MaxValue, new MetaGaussianProcessTunerOptions { CentreOnPrior = false }.EffectiveCentreFromTrial(SyntheticTasks.FamilyPrior));
        Assert.Equal(2, new MetaGaussianProcessTunerOptions { CentreFromTrial = 2 }.EffectiveCentreFromTrial(SyntheticTasks.EmpiricalFamilyPrior));
    }

    /// <summary>
    /// Runs <paramref name="trials"/> sequential trials of held-out task 6 in candidate mode; per trial (index = trial − 1) the
    /// offset the tuner used for that proposal (null before any observation) and the centring offset a₀ of the trials before it.
    /// </summary>
    private (double?[] Offsets, double[] Centring) Run(PretrainedGpPrior prior, MetaGaussianProcessTunerOptions options, int trials)
    {
        TransferTask heldOut = SyntheticTasks.Task(6, Points);
        double[] mean = prior.Mean(Points);
        var tuner = new MetaGaussianProcessTuner(Space, prior, 0, new MetaGaussianProcessTunerOptions
        {
            Candidates = [.. Points.Select(Space.SampleFromFeatureSpace)],
            RefitOutputScaleAndNoise = options.RefitOutputScaleAndNoise,
            CentreOnPrior = options.CentreOnPrior,
            CentreFromTrial = options.CentreFromTrial,
        });
        var chosen = new List<int>();
        var offsets = new double?[trials];
        var centring = new double[trials];
        for (int id = 0; id < trials; id++)
        {
            centring[id] = Centring(chosen.Select(i => heldOut.Losses[i]).ToArray(), chosen.Select(i => mean[i]).ToArray());
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            offsets[id] = tuner.LastOutputMap?.Offset;
            int index = Array.FindIndex(Points, p => Space.SampleFromFeatureSpace(p).Equals(settings.Parameter));
            Assert.True(index >= 0, "the proposal is not a candidate");
            chosen.Add(index);
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = heldOut.Losses[index], Metric = -heldOut.Losses[index] });
        }

        output.WriteLine($"offsets {string.Join(", ", offsets.Select(o => o?.ToString("F4") ?? "-"))}; a0 {string.Join(", ", centring.Select(c => c.ToString("F4")))}");
        return (offsets, centring);
    }

    /// <summary>a₀ = mean(z − m(x)) with z the losses standardized as the tuner does (mean, population standard deviation, 1 with fewer than two).</summary>
    private static double Centring(double[] losses, double[] priorMean)
    {
        if (losses.Length == 0)
        {
            return 0;
        }

        double average = losses.Average();
        double variance = losses.Sum(l => (l - average) * (l - average)) / losses.Length;
        double std = losses.Length >= 2 && variance > 1e-24 ? Math.Sqrt(variance) : 1.0;
        return losses.Select((l, i) => ((l - average) / std) - priorMean[i]).Average();
    }
}
