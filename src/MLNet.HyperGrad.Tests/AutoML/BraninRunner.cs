using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>A trial runner that evaluates the Branin function (minimum 0.397887), with knobs to fail, stall or return NaN.</summary>
internal sealed class BraninRunner : ITrialRunner
{
    private int running;

    public HashSet<int> FailOn { get; init; } = [];

    public HashSet<int> NaNOn { get; init; } = [];

    public TimeSpan Delay { get; init; } = TimeSpan.Zero;

    public int MaxConcurrency { get; private set; }

    public int Runs { get; private set; }

    public bool Disposed { get; private set; }

    public static SearchSpace Space() => new()
    {
        ["x1"] = new UniformDoubleOption(-5, 10),
        ["x2"] = new UniformDoubleOption(0, 15),
    };

    public static double Branin(double x1, double x2) =>
        Math.Pow(x2 - (5.1 / (4 * Math.PI * Math.PI) * x1 * x1) + (5 / Math.PI * x1) - 6, 2) + (10 * (1 - (1 / (8 * Math.PI))) * Math.Cos(x1)) + 10;

    public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        int now = Interlocked.Increment(ref running);
        lock (this)
        {
            MaxConcurrency = Math.Max(MaxConcurrency, now);
            Runs++;
        }

        try
        {
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            if (FailOn.Contains(settings.TrialId))
            {
                throw new InvalidOperationException($"trial {settings.TrialId} failed on purpose");
            }

            Parameter p = settings.Parameter["branin"];
            double value = NaNOn.Contains(settings.TrialId) ? double.NaN : Branin(p["x1"].AsType<double>(), p["x2"].AsType<double>());
            return new TrialResult { TrialSettings = settings, Loss = value, Metric = value };
        }
        finally
        {
            Interlocked.Decrement(ref running);
        }
    }

    public void Dispose() => Disposed = true;
}
