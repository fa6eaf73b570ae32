using MLNet.HyperGrad.Pruning;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Pruning;

/// <summary>Hand-made trials for pruner tests.</summary>
internal static class PrunerCurves
{
    /// <summary>A trial whose values are given for steps 1, 2, ...</summary>
    public static PrunerTrial Trial(int number, TrialState state, params double[] values) =>
        new(number, state, [.. values.Select((v, i) => new IntermediateValue(i + 1, v))]);

    /// <summary>The values of a curve f at steps 1..n.</summary>
    public static double[] Curve(Func<double, double> f, int n) => [.. Enumerable.Range(1, n).Select(t => f(t))];
}
