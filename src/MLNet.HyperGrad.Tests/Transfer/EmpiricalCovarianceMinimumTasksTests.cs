using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Tests.Transfer;

/// <summary><see cref="GpPriorPretrainingOptions.EmpiricalCovarianceMinimumTasks"/>: too few source tasks get the stationary prior alone.</summary>
public sealed class EmpiricalCovarianceMinimumTasksTests
{
    [Fact]
    public void Pretrain_SixMatchedTasks_TermOnlyWhenTheMinimumAllowsSix()
    {
        List<TransferTask> tasks = SyntheticTasks.Family(6, 12, matched: true);

        PretrainedGpPrior byDefault = GpPriorPretraining.Pretrain(tasks, new GpPriorPretrainingOptions { Steps = 2, HiddenWidth = 3 });
        PretrainedGpPrior allowed = GpPriorPretraining.Pretrain(tasks, new GpPriorPretrainingOptions { Steps = 2, HiddenWidth = 3, EmpiricalCovarianceMinimumTasks = 6 });
        PretrainedGpPrior justAbove = GpPriorPretraining.Pretrain(tasks, new GpPriorPretrainingOptions { Steps = 2, HiddenWidth = 3, EmpiricalCovarianceMinimumTasks = 7 });

        Assert.Equal(10, new GpPriorPretrainingOptions().EmpiricalCovarianceMinimumTasks);
        Assert.False(byDefault.HasEmpiricalCovariance);
        Assert.True(allowed.HasEmpiricalCovariance);
        Assert.False(justAbove.HasEmpiricalCovariance);
    }

    [Fact]
    public void Validate_MinimumBelowThree_SaysWhatMustHold()
    {
        var e = Assert.Throws<ArgumentException>(() => new GpPriorPretrainingOptions { EmpiricalCovarianceMinimumTasks = 2 }.Validate());

        Assert.Contains("EmpiricalCovarianceMinimumTasks must be at least 3, got 2.", e.Message, StringComparison.Ordinal);
    }
}
