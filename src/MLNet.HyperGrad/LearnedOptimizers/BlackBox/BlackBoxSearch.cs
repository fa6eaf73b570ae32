namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>
/// One search run by a <see cref="BlackBoxLstm"/>, or by an ensemble of them, on float64 arrays, for the tuner: it observes
/// (point, value) pairs in the order given and proposes the next point. The same features as <see cref="BlackBoxRollout"/>
/// (a test checks the two agree); a failed trial is observed with value +∞ (worse than every finite value).
/// </summary>
/// <remarks>
/// An ensemble (the bench's <c>learned-bo --ensemble</c>): every network reads the same observations with its own LSTM
/// states; the search proposes the coordinate-wise median of their proposals from the same noise (<see cref="Median"/>;
/// with one network, its own proposal) or lets them take turns (<see cref="BlackBoxEnsembleCombination.RoundRobin"/>).
/// Meant to damp the seed-to-seed spread of meta-training; measured on the GP validation set, neither beat the best
/// single seed, so the tuner ships one network (bench/RESULTS.md, issue 14, H38).
/// </remarks>
internal sealed class BlackBoxSearch
{
    private readonly BlackBoxLstmInference[] networks;
    private readonly BlackBoxEnsembleCombination combination;
    private readonly int dimension;
    private readonly List<double> history = [];
    private readonly double[][][] hidden;
    private readonly double[][][] cell;
    private double[] bestX = [];
    private double bestY = double.PositiveInfinity;
    private int since;

    public BlackBoxSearch(BlackBoxLstmInference network, int dimension)
        : this([network], dimension)
    {
    }

    public BlackBoxSearch(IReadOnlyList<BlackBoxLstmInference> networks, int dimension, BlackBoxEnsembleCombination combination = BlackBoxEnsembleCombination.Median)
    {
        if (networks.Count == 0)
        {
            throw new ArgumentException("A learned search needs at least one network.", nameof(networks));
        }

        this.networks = [.. networks];
        this.combination = combination;
        this.dimension = dimension;
        hidden = new double[this.networks.Length][][];
        cell = new double[this.networks.Length][][];
        for (int k = 0; k < this.networks.Length; k++)
        {
            hidden[k] = Zeros(dimension, this.networks[k].HiddenSize);
            cell[k] = Zeros(dimension, this.networks[k].HiddenSize);
        }
    }

    /// <summary>Gets the number of observations.</summary>
    public int Count => history.Count;

    /// <summary>Gets the number of networks.</summary>
    public int NetworkCount => networks.Length;

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
            since = 0;
        }
        else
        {
            since++;
        }

        history.Add(y);
        double step = BlackBoxRollout.LogStep(n);
        double sinceFeature = BlackBoxRollout.LogStep(since);
        double fraction = BlackBoxRollout.StepFraction(n);
        for (int k = 0; k < networks.Length; k++)
        {
            bool relative = BlackBoxLstm.HasRelativeInputs(networks[k].Design);
            var features = new double[dimension][];
            for (int i = 0; i < dimension; i++)
            {
                features[i] = relative
                    ? [x[i], bestX[i], rank, improved ? 1 : 0, step, x[i] - bestX[i], sinceFeature, fraction]
                    : [x[i], bestX[i], rank, improved ? 1 : 0, step];
            }

            (hidden[k], cell[k]) = networks[k].Step(features, hidden[k], cell[k]);
        }
    }

    /// <summary>The next point in the open unit cube, for standard normal noise [d]; needs at least one observation.</summary>
    public double[] Propose(double[] noise)
    {
        if (history.Count == 0)
        {
            throw new InvalidOperationException("The learned search proposes after its first observation.");
        }

        double[] x = new double[dimension];
        double fraction = BlackBoxRollout.StepFraction(history.Count);
        if (combination == BlackBoxEnsembleCombination.RoundRobin)
        {
            int turn = (history.Count - 1) % networks.Length;
            for (int i = 0; i < dimension; i++)
            {
                x[i] = networks[turn].Propose(hidden[turn][i], bestX[i], noise[i], fraction);
            }

            return x;
        }

        double[] proposals = new double[networks.Length];
        for (int i = 0; i < dimension; i++)
        {
            for (int k = 0; k < networks.Length; k++)
            {
                proposals[k] = networks[k].Propose(hidden[k][i], bestX[i], noise[i], fraction);
            }

            x[i] = Median(proposals);
        }

        return x;
    }

    /// <summary>The median of the values: the middle one of an odd count, the mean of the two middle ones of an even count. Sorts <paramref name="values"/> in place.</summary>
    internal static double Median(double[] values)
    {
        if (values.Length == 0)
        {
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        }

        Array.Sort(values);
        int middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
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
