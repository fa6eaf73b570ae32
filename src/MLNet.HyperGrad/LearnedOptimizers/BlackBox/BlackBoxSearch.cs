namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>
/// One search run by a <see cref="BlackBoxLstm"/> on float64 arrays, for the tuner: it observes (point, value) pairs in
/// the order given and proposes the next point. The same features as <see cref="BlackBoxRollout"/> (a test checks the
/// two agree); a failed trial is observed with value +∞ (worse than every finite value).
/// </summary>
internal sealed class BlackBoxSearch
{
    private readonly BlackBoxLstmInference network;
    private readonly int dimension;
    private readonly List<double> history = [];
    private double[][] hidden;
    private double[][] cell;
    private double[] bestX = [];
    private double bestY = double.PositiveInfinity;

    public BlackBoxSearch(BlackBoxLstmInference network, int dimension)
    {
        this.network = network;
        this.dimension = dimension;
        hidden = Zeros(dimension, network.HiddenSize);
        cell = Zeros(dimension, network.HiddenSize);
    }

    /// <summary>Gets the number of observations.</summary>
    public int Count => history.Count;

    /// <summary>Reads one observation: a point in the unit cube and its value (+∞ for a failure; NaN is read as +∞).</summary>
    public void Observe(double[] x, double y)
    {
        if (double.IsNaN(y))
        {
            y = double.PositiveInfinity;
        }

        int n = history.Count + 1;
        double better = 0;
        foreach (double v in history)
        {
            better += v < y ? 1 : v == y ? 0.5 : 0;
        }

        double rank = ((better + 0.5) * (2.0 / n)) - 1;
        bool improved = n == 1 || y < bestY;
        if (improved)
        {
            bestX = (double[])x.Clone();
            bestY = y;
        }

        history.Add(y);
        double step = Math.Log(1 + n) / Math.Log(1 + BlackBoxRollout.StepScale);
        var features = new double[dimension][];
        for (int i = 0; i < dimension; i++)
        {
            features[i] = [x[i], bestX[i], rank, improved ? 1 : 0, step];
        }

        (hidden, cell) = network.Step(features, hidden, cell);
    }

    /// <summary>The next point in the open unit cube, for standard normal noise [d]; needs at least one observation.</summary>
    public double[] Propose(double[] noise)
    {
        if (history.Count == 0)
        {
            throw new InvalidOperationException("The learned search proposes after its first observation.");
        }

        double[] x = new double[dimension];
        for (int i = 0; i < dimension; i++)
        {
            x[i] = network.Propose(hidden[i], bestX[i], noise[i]);
        }

        return x;
    }

    private static double[][] Zeros(int d, int h)
    {
        var z = new double[d][];
        for (int i = 0; i < d; i++)
        {
            z[i] = new double[h];
        }

        return z;
    }
}
