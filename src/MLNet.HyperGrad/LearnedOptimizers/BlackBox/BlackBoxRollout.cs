using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>
/// The state of B searches of d coordinates run by a <see cref="BlackBoxLstm"/> on tensors: LSTM states, the observed
/// values, the best point and value. The same feature definitions as <see cref="BlackBoxSearch"/> (the tuner's float64
/// path), which a test checks.
/// </summary>
internal sealed class BlackBoxRollout : IDisposable
{
    /// <summary>The step feature is ln(1 + n) / ln(1 + StepScale) after n observations.</summary>
    public const double StepScale = 50;

    private Tensor[] owned = [];

    private BlackBoxRollout(BlackBoxLstmDesign design, Tensor hidden, Tensor cell, Tensor history, Tensor bestX, Tensor bestY, Tensor since)
    {
        Design = design;
        Hidden = hidden;
        Cell = cell;
        History = history;
        BestX = bestX;
        BestY = bestY;
        Since = since;
    }

    /// <summary>Gets the design of the network that runs the searches (which features it reads).</summary>
    public BlackBoxLstmDesign Design { get; }

    /// <summary>Gets the observations since each search's incumbent was found [B] (0 right after an improvement), detached.</summary>
    public Tensor Since { get; private set; }

    /// <summary>Gets the hidden states [B, d, H].</summary>
    public Tensor Hidden { get; private set; }

    /// <summary>Gets the cell states [B, d, H].</summary>
    public Tensor Cell { get; private set; }

    /// <summary>Gets the observed values [B, n], detached.</summary>
    public Tensor History { get; private set; }

    /// <summary>Gets the best observed points [B, d] (differentiable within an unroll).</summary>
    public Tensor BestX { get; private set; }

    /// <summary>Gets the best observed values [B] (differentiable within an unroll).</summary>
    public Tensor BestY { get; private set; }

    /// <summary>
    /// Starts B searches with a first observation (x0 [B, d], y0 [B]) that the network did not propose: zero LSTM
    /// states, then one step on it. The tensors are owned by the rollout (outside every dispose scope).
    /// </summary>
    public static BlackBoxRollout Start(IReadOnlyList<Tensor> phi, int hiddenSize, Tensor x0, Tensor y0, BlackBoxLstmDesign design = BlackBoxLstmDesign.Original)
    {
        using var scope = torch.NewDisposeScope();
        long b = x0.shape[0], d = x0.shape[1];
        Tensor zeros = torch.zeros([b, d, hiddenSize], x0.dtype);
        Tensor x = x0.detach().clone();
        Tensor y = y0.detach().clone();
        Tensor since = torch.zeros([b], x0.dtype);
        Tensor features = Features(x, x, torch.zeros([b], x0.dtype), torch.ones([b], x0.dtype), 1, since, design);
        (Tensor h, Tensor c) = BlackBoxLstm.Step(phi, features, zeros, zeros);
        var rollout = new BlackBoxRollout(design, h, c, y.unsqueeze(1), x, y, since);
        rollout.Detach();
        return rollout;
    }

    /// <summary>
    /// Runs <paramref name="steps"/> proposals and observations from the current state in the current dispose scope and
    /// returns the summed observed-improvement loss Σ_t min(f(x_t) − best_{&lt;t}, 0), [B] (Chen et al. 2017, L_OI;
    /// f is <see cref="GpPriorFunctions.Objective"/>: the function or its log regret),
    /// a differentiable function of <paramref name="phi"/>. The state then holds the new tensors (not yet owned: call
    /// <see cref="Detach"/> before leaving the scope).
    /// </summary>
    public Tensor Run(IReadOnlyList<Tensor> phi, GpPriorFunctions functions, int steps, torch.Generator noiseGenerator)
    {
        Tensor? loss = null;
        for (int s = 0; s < steps; s++)
        {
            Tensor noise = torch.randn(BestX.shape, ScalarType.Float64, generator: noiseGenerator).to(BestX.dtype);
            Tensor x = BlackBoxLstm.Propose(phi, Hidden, BestX, noise, StepFraction(History.shape[1]));
            Tensor y = functions.Objective(x);
            Tensor improvement = (y - BestY).ClampMaximum(0.0);
            loss = loss is null ? improvement : loss.Plus(improvement);
            Observe(phi, x, y);
        }

        return loss ?? torch.zeros_like(BestY);
    }

    /// <summary>Detaches the state from the graph and from the current dispose scope, freeing the previous tensors.</summary>
    public void Detach()
    {
        Tensor[] next = [Hidden.detach(), Cell.detach(), History.detach(), BestX.detach(), BestY.detach(), Since.detach()];
        foreach (Tensor t in next)
        {
            t.DetachFromDisposeScope();
        }

        foreach (Tensor t in owned)
        {
            t.Dispose();
        }

        owned = next;
        (Hidden, Cell, History, BestX, BestY, Since) = (next[0], next[1], next[2], next[3], next[4], next[5]);
    }

    /// <summary>Frees the state.</summary>
    public void Dispose()
    {
        foreach (Tensor t in owned)
        {
            t.Dispose();
        }

        owned = [];
    }

    /// <summary>The step fraction τ = min(n / <see cref="StepScale"/>, 1) after n observations.</summary>
    internal static double StepFraction(long n) => Math.Min(n / StepScale, 1);

    /// <summary>ln(1 + s) / ln(1 + <see cref="StepScale"/>) for s observations since the last improvement (or after s observations).</summary>
    internal static double LogStep(double s) => Math.Log(1 + s) / Math.Log(1 + StepScale);

    /// <summary>
    /// The features [B, d, F] of observations x [B, d] with ranks in [−1, 1] [B], improvement flags [B], after n
    /// observations; with the relative inputs also x − b, <see cref="LogStep"/> of the observations since the last
    /// improvement <paramref name="since"/> [B], and <see cref="StepFraction"/>(n).
    /// </summary>
    internal static Tensor Features(Tensor x, Tensor bestX, Tensor rank, Tensor improved, long n, Tensor since, BlackBoxLstmDesign design)
    {
        long b = x.shape[0], d = x.shape[1];
        double step = LogStep(n);
        List<Tensor> columns =
        [
            x,
            bestX,
            rank.unsqueeze(1).expand(b, d),
            improved.unsqueeze(1).expand(b, d),
            HeldScalars.With(step, value => torch.full([b, d], value, x.dtype)),
        ];
        if (BlackBoxLstm.HasRelativeInputs(design))
        {
            columns.Add(x - bestX);
            columns.Add(since.Plus(1.0).log().Over(Math.Log(1 + StepScale)).unsqueeze(1).expand(b, d));
            columns.Add(HeldScalars.With(StepFraction(n), value => torch.full([b, d], value, x.dtype)));
        }

        return torch.stack(columns, 2);
    }

    private void Observe(IReadOnlyList<Tensor> phi, Tensor x, Tensor y)
    {
        Tensor yd = y.detach();
        long n = History.shape[1] + 1;
        Tensor better = History.lt(yd.unsqueeze(1)).to(yd.dtype).sum(1).Plus(History.eq(yd.unsqueeze(1)).to(yd.dtype).sum(1).Times(0.5));
        Tensor rank = better.Plus(0.5).Times(2.0 / n).Minus(1.0);
        Tensor improvedMask = yd.lt(BestY.detach());
        Tensor improved = improvedMask.to(yd.dtype);
        BestX = torch.where(improvedMask.unsqueeze(1), x, BestX);
        BestY = torch.where(improvedMask, y, BestY);
        Since = torch.where(improvedMask, torch.zeros_like(Since), Since.Plus(1.0));
        History = torch.cat([History, yd.unsqueeze(1)], 1);
        Tensor features = Features(x, BestX, rank, improved, n, Since, Design);
        (Hidden, Cell) = BlackBoxLstm.Step(phi, features, Hidden, Cell);
    }
}
