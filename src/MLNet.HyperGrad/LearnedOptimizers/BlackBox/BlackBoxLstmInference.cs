namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>
/// The forward pass of a <see cref="BlackBoxLstm"/> on plain float64 arrays: the same arithmetic as
/// <see cref="BlackBoxLstm.Step"/> and <see cref="BlackBoxLstm.Propose"/>, without a tensor per operation, so that a
/// proposal costs microseconds (tests check it against the tensor version).
/// </summary>
internal sealed class BlackBoxLstmInference
{
    private readonly int h;
    private readonly int featureCount;
    private readonly int inputs;
    private readonly double[] wih;
    private readonly double[] whh;
    private readonly double[] bias;
    private readonly double[] outW;
    private readonly double[] outB;

    /// <summary>γ = softplus(g) of a shrinking scale, or 0 (no shrinking).</summary>
    private readonly double decay;

    public BlackBoxLstmInference(int hiddenSize, BlackBoxLstmDesign design, IReadOnlyList<double[]> weights)
    {
        h = hiddenSize;
        Design = design;
        featureCount = BlackBoxLstm.FeatureCountOf(design);
        inputs = featureCount + hiddenSize;
        wih = weights[0];
        whh = weights[1];
        bias = weights[2];
        outW = weights[3];
        outB = weights[4];
        decay = BlackBoxLstm.HasShrinkingScale(design) ? Softplus(weights[BlackBoxLstm.DecayIndex][0]) : 0;
    }

    public int HiddenSize => h;

    public BlackBoxLstmDesign Design { get; }

    /// <summary>One step for d coordinates: features [d][F], states [d][H]; returns the new states.</summary>
    public (double[][] Hidden, double[][] Cell) Step(double[][] features, double[][] hidden, double[][] cell)
    {
        int d = features.Length;
        double[] pooled = new double[h];
        for (int i = 0; i < d; i++)
        {
            for (int k = 0; k < h; k++)
            {
                pooled[k] += hidden[i][k];
            }
        }

        for (int k = 0; k < h; k++)
        {
            pooled[k] /= d;
        }

        var newHidden = new double[d][];
        var newCell = new double[d][];
        double[] gates = new double[4 * h];
        for (int i = 0; i < d; i++)
        {
            double[] f = features[i];
            double[] hi = hidden[i];
            for (int g = 0; g < 4 * h; g++)
            {
                int row = g * inputs;
                double sum = bias[g];
                for (int k = 0; k < featureCount; k++)
                {
                    sum += wih[row + k] * f[k];
                }

                row += featureCount;
                int hrow = g * h;
                for (int k = 0; k < h; k++)
                {
                    sum += (wih[row + k] * pooled[k]) + (whh[hrow + k] * hi[k]);
                }

                gates[g] = sum;
            }

            double[] c = new double[h];
            double[] hn = new double[h];
            for (int k = 0; k < h; k++)
            {
                double input = Sigmoid(gates[k]);
                double forget = Sigmoid(gates[h + k]);
                double candidate = Math.Tanh(gates[(2 * h) + k]);
                double output = Sigmoid(gates[(3 * h) + k]);
                c[k] = (forget * cell[i][k]) + (input * candidate);
                hn[k] = output * Math.Tanh(c[k]);
            }

            newHidden[i] = hn;
            newCell[i] = c;
        }

        return (newHidden, newCell);
    }

    /// <summary>The proposal of one coordinate: reflect(b + a + softplus(c) ε) from its hidden state; with a shrinking scale, softplus(c) exp(−γ τ) at the step fraction τ.</summary>
    public double Propose(double[] hidden, double best, double noise, double fraction = 0)
    {
        double shift = outB[0];
        double raw = outB[1];
        for (int k = 0; k < h; k++)
        {
            shift += outW[k] * hidden[k];
            raw += outW[h + k] * hidden[k];
        }

        double scale = Softplus(raw);
        if (decay != 0)
        {
            scale *= Math.Exp(-decay * fraction);
        }

        double u = best + shift + (scale * noise);
        double folded = u - (2 * Math.Floor(u / 2));
        return 1 - Math.Abs(1 - folded);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Softplus(double x) => x > 20 ? x : Math.Log(1 + Math.Exp(x));
}
