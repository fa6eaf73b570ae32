namespace MLNet.HyperGrad.Pruning;

/// <summary>The steps of a curve being fitted, with their logarithms computed once for every evaluation of the fit.</summary>
internal sealed class CurvePoints
{
    /// <summary>Creates the points.</summary>
    /// <param name="t">The steps, positive.</param>
    public CurvePoints(double[] t)
    {
        T = t;
        LogT = [.. t.Select(x => Math.Log(x))];
    }

    /// <summary>Gets the steps.</summary>
    public double[] T { get; }

    /// <summary>Gets ln t of every step.</summary>
    public double[] LogT { get; }

    /// <summary>Gets the number of points.</summary>
    public int Count => T.Length;
}
