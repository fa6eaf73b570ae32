using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Transfer;
using TorchSharp;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Transfer;

/// <summary>The new task's posterior under a fixed prior: centring the task's standardized losses on the prior (issue 11).</summary>
public sealed class PriorPosteriorTests(ITestOutputHelper output)
{
    [Fact]
    public void Centred_OneObservationAtThePriorMinimizer_StaysTheLowestPosteriorMeanUncentredDoesNot()
    {
        // One trial at the prior mean's minimizer, standardized alone to 0. Centred, the model reads that level as the prior's
        // level there, so the point stays the best the model knows; with offset 0 (the old reading) the prior's low mean
        // elsewhere makes the observed point look worse than unexplored ones, which sent trials 2-3 away from it.
        PretrainedGpPrior prior = SyntheticTasks.FamilyPrior;
        double[][] points = SyntheticTasks.Points(200, 8);
        double[] mean = prior.Mean(points);
        int star = Array.IndexOf(mean, mean.Min());
        double[] others = [.. mean.Where((_, i) => i != star)];
        Assert.True(mean[star] < others.Average() - 0.5, $"the prior mean's minimum {mean[star]} is not clearly below its average {others.Average()}: the check would mean nothing");

        using (var centred = new PriorPosterior(prior, [points[star]], [0.0], refit: true, refitFrom: 3, centreOn: [true]))
        {
            Assert.Equal(-mean[star], centred.Offset, 12);
            Assert.Equal(1.0, centred.Scale);
            Assert.Equal(prior.NoiseVariance, centred.NoiseVariance);
            double[] posterior = centred.Predict(points).Mean;
            output.WriteLine($"centred: posterior at the minimizer {posterior[star]:F4}, lowest elsewhere {posterior.Where((_, i) => i != star).Min():F4}");
            Assert.All(posterior, v => Assert.True(v >= posterior[star] - 1e-9, $"posterior mean {v} below {posterior[star]} at the observed minimizer"));
        }

        using var uncentred = new PriorPosterior(prior, [points[star]], [0.0], refit: true, refitFrom: 3, centreOn: null);
        double[] old = uncentred.Predict(points).Mean;
        output.WriteLine($"offset 0: posterior at the minimizer {old[star]:F4}, lowest elsewhere {old.Where((_, i) => i != star).Min():F4}");
        Assert.Equal(0.0, uncentred.Offset);
        Assert.True(old.Where((_, i) => i != star).Min() < old[star] - 0.1, "with offset 0 the observed minimizer was expected to look worse than unexplored points");
    }

    [Fact]
    public void Centred_OffsetIsTheMeanResidualOverObservedPointsOnly()
    {
        PretrainedGpPrior prior = SyntheticTasks.FamilyPrior;
        double[][] points = SyntheticTasks.Points(3, 21);
        double[] mean = prior.Mean(points);
        double[] z = [0.4, -1.1, 2.5];
        using var posterior = new PriorPosterior(prior, points, z, refit: false, refitFrom: 3, centreOn: [true, true, false]);
        Assert.Equal(((z[0] - mean[0]) + (z[1] - mean[1])) / 2, posterior.Offset, 12);
    }

    [Fact]
    public void RefitObjective_Gradient_MatchesFloat64CentralDifferences()
    {
        PretrainedGpPrior prior = SyntheticTasks.FamilyPrior;
        double[][] points = SyntheticTasks.Points(6, 31);
        double[] z = [.. SyntheticTasks.Task(9, points).Losses];
        double[] values = [0.3, -0.2, Math.Log(0.05)];
        const double centre = 0.7;
        using var scope = torch.NewDisposeScope();
        torch.Tensor m = torch.tensor(prior.Mean(points), torch.float64);
        double[][] k = prior.Covariance(points, points);
        torch.Tensor covariance = torch.tensor(k.SelectMany(r => r).ToArray(), [points.Length, points.Length], torch.float64);
        torch.Tensor target = torch.tensor(z, torch.float64);
        (double value, double[] analytic) = PriorPosterior.RefitObjective(m, covariance, target, centre, values);
        double[] numeric = FiniteDifferences.Gradient(v => PriorPosterior.RefitObjective(m, covariance, target, centre, v).Value, values, 1e-6);
        output.WriteLine($"objective {value:G6}; analytic {string.Join(", ", analytic.Select(g => g.ToString("G6")))}; numeric {string.Join(", ", numeric.Select(g => g.ToString("G6")))}");
        Assert.True(double.IsFinite(value));
        Assert.True(numeric.Max(Math.Abs) > 1e-2, "the gradient is too small for the check to mean anything");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-6);
    }

    [Fact]
    public void Propose_CentredAfterAGoodFirstTrial_SecondTrialStaysWhereThePriorMeanIsLow()
    {
        // Candidate mode over 200 points of the square; held-out task 6 of the family. Trial 0 is the prior mean's minimizer;
        // the second proposal must be among the 10 % of candidates the prior rates best (the old offset-0 reading fails this).
        SearchSpace space = new() { ["x0"] = new UniformDoubleOption(0, 1), ["x1"] = new UniformDoubleOption(0, 1) };
        PretrainedGpPrior prior = SyntheticTasks.FamilyPrior;
        double[][] points = SyntheticTasks.Points(200, 8);
        TransferTask heldOut = SyntheticTasks.Task(6, points);
        double[] mean = prior.Mean(points);
        double threshold = mean.Order().ElementAt(19);
        int[] TwoTrials(bool centre)
        {
            var tuner = new MetaGaussianProcessTuner(space, prior, 0, new MetaGaussianProcessTunerOptions { Candidates = [.. points.Select(space.SampleFromFeatureSpace)], CentreOnPrior = centre });
            int[] chosen = new int[2];
            for (int id = 0; id < 2; id++)
            {
                var settings = new TrialSettings { TrialId = id };
                settings = settings with { Parameter = tuner.Propose(settings) };
                chosen[id] = Array.FindIndex(points, p => space.SampleFromFeatureSpace(p).Equals(settings.Parameter));
                tuner.Update(new TrialResult { TrialSettings = settings, Loss = heldOut.Losses[chosen[id]], Metric = -heldOut.Losses[chosen[id]] });
            }

            return chosen;
        }

        int[] chosen = TwoTrials(centre: true);
        int[] old = TwoTrials(centre: false);
        output.WriteLine($"centred: trial 0 prior mean {mean[chosen[0]]:F4}, trial 1 prior mean {mean[chosen[1]]:F4}; offset 0: trial 1 prior mean {mean[old[1]]:F4}; 20th lowest of 200 {threshold:F4}");
        Assert.Equal(Array.IndexOf(mean, mean.Min()), chosen[0]);
        Assert.True(mean[chosen[1]] <= threshold, $"trial 1's prior mean {mean[chosen[1]]} is above the 20th lowest of 200 ({threshold})");
    }

    [Fact]
    public void Options_RefitFromOutOfRange_ThrowsSayingWhich()
    {
        var e = Assert.Throws<ArgumentException>(() => new MetaGaussianProcessTunerOptions { RefitFrom = 0 }.Validate());
        Assert.Contains("RefitFrom must be in [1, 10000], got 0.", e.Message, StringComparison.Ordinal);
    }
}
