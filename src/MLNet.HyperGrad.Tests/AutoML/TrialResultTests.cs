using System.Reflection;
using System.Runtime.CompilerServices;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.AutoML;

public sealed class TrialResultTests
{
    public static TheoryData<Type> FinishedTypes() => [typeof(TrialSettings), typeof(TrialResult), typeof(LearningCurveTrialResult), typeof(MlpTrialResult)];

    [Theory]
    [MemberData(nameof(FinishedTypes))]
    public void PublicProperties_OfTrialsAndTheirResults_CanOnlyBeSetWhenBuilt(Type type)
    {
        PropertyInfo[] settable = [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true })];

        Assert.NotEmpty(settable);
        Assert.All(settable, p => Assert.Contains(typeof(IsExternalInit), p.SetMethod!.ReturnParameter.GetRequiredCustomModifiers()));
    }

    [Fact]
    public void With_OnAResultOfADerivedType_KeepsTheTypeAndEveryValue()
    {
        TrialResult result = new MlpTrialResult { Loss = -0.9, Metric = 0.9, ValidationLossCurve = [0.5, 0.25], LayerSizes = [4, 8, 3] };

        TrialResult copy = result with { DurationInMilliseconds = 12 };

        MlpTrialResult mlp = Assert.IsType<MlpTrialResult>(copy);
        Assert.Equal([0.5, 0.25], mlp.ValidationLossCurve);
        Assert.Equal([4, 8, 3], mlp.LayerSizes);
        Assert.Equal(12, copy.DurationInMilliseconds);
        Assert.Equal(0, result.DurationInMilliseconds);
    }

    [Fact]
    public void Init_CurveListChangedAfterwards_ResultIsUnchanged()
    {
        var curve = new List<double> { 0.5 };
        var sizes = new List<int> { 4, 3 };
        var result = new MlpTrialResult { ValidationLossCurve = curve, ValidationMetricCurve = curve, TrainLossCurve = curve, LayerSizes = sizes };

        curve.Add(0.25);
        sizes.Add(2);

        Assert.Equal([0.5], result.ValidationLossCurve);
        Assert.Equal([0.5], result.ValidationMetricCurve);
        Assert.Equal([0.5], result.TrainLossCurve);
        Assert.Equal([4, 3], result.LayerSizes);
        Assert.Throws<NotSupportedException>(() => ((IList<double>)result.ValidationLossCurve).Add(1));
    }

    [Fact]
    public void FailedAndInterrupted_BuildResultsTheTunerSeesAsNotCompleted()
    {
        var settings = new TrialSettings { TrialId = 3 };

        TrialResult failed = TrialResult.Failed(settings, new InvalidOperationException("diverged"), 5);
        TrialResult interrupted = TrialResult.Interrupted(settings, "cancelled by the caller", 7);

        Assert.Equal((TrialState.Failed, true, double.MaxValue), (failed.State, failed.IsFailed, failed.Loss));
        Assert.Equal((TrialState.Interrupted, true, double.MaxValue), (interrupted.State, interrupted.IsFailed, interrupted.Loss));
        Assert.Equal("cancelled by the caller", Assert.IsType<OperationCanceledException>(interrupted.Exception).Message);
        Assert.False(new TrialResult { TrialSettings = settings }.IsFailed);
    }

    [Fact]
    public async Task Reporter_OfSettingsBuiltOutsideAnExperiment_KeepsNothingButChecksTheStep()
    {
        var settings = new TrialSettings();

        await settings.Reporter.ReportAsync(0, double.NaN);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => settings.Reporter.ReportAsync(-1, 0));
    }
}
