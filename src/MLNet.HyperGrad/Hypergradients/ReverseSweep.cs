using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// The reverse pass shared by the reverse-mode methods: adjoints of the weights and velocities of
/// v_{t+1} = μ_t v_t + ∇L_t(w_t, h), w_{t+1} = w_t − η_t v_{t+1}, accumulated backwards from the outer
/// loss with vector-Jacobian and Hessian-vector products. The methods differ only in how they obtain
/// each earlier state (exact reversal, recomputation from checkpoints, interpolation).
/// </summary>
internal sealed class ReverseSweep : IDisposable
{
    private readonly IInnerProblem problem;
    private readonly HyperparameterSet set;
    private readonly HyperparameterTensors h;
    private readonly ReverseModeOptions options;
    private readonly long[][] shapes;
    private readonly double[][] leafGradients;
    private readonly IAnalyticReverseStep? analytic;
    private double[] dW = [];
    private double[] dV = [];
    private double[] gradient = [];
    private double[] product = [];
    private readonly Tensor[]? weightTensors;
    private readonly Tensor[]? directionTensors;
    private readonly int[] offsets;
    private long[] rounded = [];

    /// <param name="problem">The inner problem.</param>
    /// <param name="set">The hyperparameters.</param>
    /// <param name="h">Their leaves.</param>
    /// <param name="options">The inner run.</param>
    /// <param name="learningRates">η per schedule entry.</param>
    /// <param name="momenta">μ per schedule entry, as the forward pass used it.</param>
    public ReverseSweep(IInnerProblem problem, HyperparameterSet set, HyperparameterTensors h, ReverseModeOptions options, double[] learningRates, double[] momenta)
    {
        this.problem = problem;
        this.set = set;
        this.h = h;
        this.options = options;
        LearningRates = learningRates;
        Momenta = momenta;
        shapes = [.. problem.WeightShapes];
        leafGradients = [.. set.Definitions.Select(d => new double[d.ElementCount])];
        analytic = Analytic(problem, h);
        offsets = new int[shapes.Length + 1];
        for (int i = 0; i < shapes.Length; i++)
        {
            offsets[i + 1] = offsets[i] + (int)shapes[i].Aggregate(1L, (a, b) => a * b);
        }

        if (analytic is not null)
        {
            // Written in place at every step instead of new tensors per step (disposed with the sweep).
            weightTensors = FlatTensors.Buffers(shapes);
            directionTensors = FlatTensors.Buffers(shapes);
        }
        LearningRateAdjoints = new double[learningRates.Length];
        MomentumAdjoints = new double[momenta.Length];
    }

    public double[] LearningRates { get; }

    public double[] Momenta { get; }

    public double[] LearningRateAdjoints { get; }

    public double[] MomentumAdjoints { get; }

    public double OuterLoss { get; private set; }

    public long Gradients { get; private set; }

    public long Products { get; private set; }

    /// <summary>Gets how many reverse steps recomputed their gradient because it differed from the forward pass's (see <see cref="Step"/>).</summary>
    public long GradientRecomputations { get; private set; }

    /// <summary>Gets whether the reverse steps use the problem's <see cref="IAnalyticReverseStep"/> (otherwise autograd).</summary>
    public bool UsesAnalyticSteps => analytic is not null;

    /// <summary>Gets the weight tensors the analytic steps read (the problem's shapes, written in place; null on the autograd path): exact reversal's forward pass takes its gradients at these same tensors.</summary>
    public IReadOnlyList<Tensor>? WeightTensors => weightTensors;

    public double LearningRate(int t) => LearningRates[options.EntryOf(t, LearningRates.Length)];

    public double Momentum(int t) => Momenta[options.EntryOf(t, Momenta.Length)];

    /// <summary>The training-loss gradient at weights w for step t (float64): the problem's analytic gradient when it has one (<see cref="IAnalyticReverseStep"/>), otherwise autograd on a fresh graph without a second-order graph.</summary>
    /// <remarks>
    /// Exact reversal recomputes this gradient in the reverse pass (<see cref="Step"/>) and needs the same bits. On the
    /// autograd path the reverse pass takes it with a second-order graph: libtorch runs the same kernels in the same
    /// order with or without <c>create_graph</c> (checked bit for bit by the tests). On the analytic path it comes from
    /// the analytic reverse step, which computes it by the same calls (so with the same bits, as the tests check); exact reversal still compares checksums of
    /// the rounded gradients and recomputes with this function when they differ. Every exact-reversal run reports the
    /// outcome in <see cref="HypergradientResult.ExactlyReversed"/>.
    /// </remarks>
    public static double[] TrainingGradient(IInnerProblem problem, HyperparameterTensors h, double[] w, long[][] shapes, int t)
    {
        double[] g = new double[w.Length];
        TrainingGradient(problem, h, w, shapes, t, g);
        return g;
    }

    /// <summary>Like <see cref="TrainingGradient(IInnerProblem, HyperparameterTensors, double[], long[][], int)"/>, into <paramref name="gradient"/> (as long as w).</summary>
    public static void TrainingGradient(IInnerProblem problem, HyperparameterTensors h, double[] w, long[][] shapes, int t, Span<double> gradient)
    {
        if (Analytic(problem, h) is IAnalyticReverseStep step)
        {
            step.AnalyticTrainingGradient(w, h, t, gradient);
            return;
        }

        using var scope = torch.NewDisposeScope();
        Tensor[] weights = FlatTensors.Leaves(w, shapes);
        FlatTensors.FlattenInto(TorchAutograd.Grad([problem.TrainingLoss(weights, h, t)], weights), gradient);
    }

    /// <summary>One float64 forward step in place: v ← μ v + g, w ← w − η v.</summary>
    public static void ForwardStep(double[] w, double[] v, double[] g, double learningRate, double momentum) =>
        ForwardStep(w.AsSpan(), v, g, learningRate, momentum);

    /// <summary>
    /// <see cref="ForwardStep(double[], double[], double[], double, double)"/> on spans (for example a weight tensor's memory and
    /// the matching pieces of v and g), on 512-bit vectors where the hardware accelerates them: the same operations element by
    /// element (a product, then a sum; no fused multiply-add), so the same bits.
    /// </summary>
    /// <param name="w">The weights, updated.</param>
    /// <param name="v">The velocities, as many, updated.</param>
    /// <param name="g">The gradient, as many.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardStep(Span<double> w, Span<double> v, ReadOnlySpan<double> g, double learningRate, double momentum)
    {
        if (v.Length != w.Length || g.Length != w.Length)
        {
            throw new ArgumentException($"The weights, velocities and gradient must be as long; got {w.Length}, {v.Length} and {g.Length}.", nameof(v));
        }

        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> mu = Vector512.Create(momentum);
            Vector512<double> eta = Vector512.Create(learningRate);
            ref double wRef = ref MemoryMarshal.GetReference(w);
            ref double vRef = ref MemoryMarshal.GetReference(v);
            ref double gRef = ref MemoryMarshal.GetReference(g);
            for (; i + Vector512<double>.Count <= w.Length; i += Vector512<double>.Count)
            {
                Vector512<double> velocity = (mu * Vector512.LoadUnsafe(ref vRef, (nuint)i)) + Vector512.LoadUnsafe(ref gRef, (nuint)i);
                velocity.StoreUnsafe(ref vRef, (nuint)i);
                (Vector512.LoadUnsafe(ref wRef, (nuint)i) - (eta * velocity)).StoreUnsafe(ref wRef, (nuint)i);
            }
        }

        for (; i < w.Length; i++)
        {
            v[i] = (momentum * v[i]) + g[i];
            w[i] -= learningRate * v[i];
        }
    }

    /// <summary>Evaluates the outer loss at the final weights and seeds the adjoints with its gradient (on the analytic path by the problem's closed-form outer gradient, <see cref="IAnalyticGreedyStep.AnalyticOuterGradient"/>, when it has one; by autograd otherwise).</summary>
    public void Start(double[] finalWeights)
    {
        if (analytic is not null && problem is IAnalyticGreedyStep closedForm && closedForm.CoversGreedyAnalytically(h))
        {
            // The outer loss and its weight gradient from one forward and one backward pass without an autograd graph; the
            // outer loss depends on no hyperparameter here (CoversGreedyAnalytically's contract), so no leaf gets a term.
            dW = new double[finalWeights.Length];
            OuterLoss = closedForm.AnalyticOuterGradient(finalWeights, null, dW);
            CheckOuterLoss();
            dV = new double[dW.Length];
            gradient = new double[dW.Length];
            product = new double[dW.Length];
            return;
        }

        using var scope = torch.NewDisposeScope();
        Tensor[] w = FlatTensors.Leaves(finalWeights, shapes);
        Tensor outer = problem.OuterLoss(w, h);
        OuterLoss = outer.item<double>();
        CheckOuterLoss();

        Tensor[] grads = TorchAutograd.Grad([outer], [.. w, .. h.Leaves], allowUnused: true);
        dW = FlatTensors.Flatten(grads.Take(w.Length));
        dV = new double[dW.Length];
        gradient = new double[dW.Length];
        product = new double[dW.Length];
        Accumulate(grads.Skip(w.Length));
    }

    /// <summary>Moves the adjoints from step t + 1 back to step t.</summary>
    /// <param name="t">The step.</param>
    /// <param name="velocityAfter">v_{t+1}.</param>
    /// <param name="weightsBefore">w_t.</param>
    /// <param name="velocityBefore">Given ∇L_t(w_t) (as the forward pass computed it), returns v_t.</param>
    /// <param name="sameAsForward">
    /// For exact reversal: whether a recomputed ∇L_t(w_t) would undo the forward step exactly (the checksums of the
    /// rounded gradients agree); when it says no, the gradient is computed again by <see cref="TrainingGradient(IInnerProblem, HyperparameterTensors, double[], long[][], int, Span{double})"/>,
    /// the forward pass's routine, before <paramref name="velocityBefore"/> sees it. Null when the caller does not need the bits.
    /// </param>
    public void Step(int t, double[] velocityAfter, double[] weightsBefore, Func<double[], double[]> velocityBefore, Func<double[], bool>? sameAsForward = null)
    {
        double lr = LearningRate(t);
        double mu = Momentum(t);
        LearningRateAdjoints[options.EntryOf(t, LearningRates.Length)] -= Dot(dW, velocityAfter);
        for (int i = 0; i < dV.Length; i++)
        {
            dV[i] -= lr * dW[i];
        }

        using var scope = torch.NewDisposeScope();
        if (analytic is not null)
        {
            // g, H·dV and ∂(g·dV)/∂h from one analytic pass (Pearlmutter's R-pass), no autograd graph over the weights.
            FlatTensors.CopyInto(weightsBefore, weightTensors!);
            FlatTensors.CopyInto(dV, directionTensors!);
            Tensor[]? mixed = analytic.AnalyticReverseStep(weightTensors!, directionTensors!, h, t, out Tensor[] stepGradient, out Tensor[] hv);
            CopyOut(stepGradient, gradient);
            CopyOut(hv, product);
            Gradients++;
            Products++;
            CheckAgainstForward(t, weightsBefore, sameAsForward);
            MomentumAdjoints[options.EntryOf(t, Momenta.Length)] += Dot(dV, velocityBefore(gradient));
            for (int i = 0; i < dW.Length; i++)
            {
                dW[i] += product[i];
                dV[i] *= mu;
            }

            if (mixed is not null)
            {
                Accumulate(mixed);
            }

            return;
        }

        Tensor[] w = FlatTensors.Leaves(weightsBefore, shapes);
        Tensor[] g = TorchAutograd.Grad([problem.TrainingLoss(w, h, t)], w, createGraph: true);
        Gradients++;
        FlatTensors.FlattenInto(g, gradient);
        CheckAgainstForward(t, weightsBefore, sameAsForward);
        double[] previous = velocityBefore(gradient);
        MomentumAdjoints[options.EntryOf(t, Momenta.Length)] += Dot(dV, previous);
        // The Hessian-vector product (∂g/∂w)ᵀ dV and (∂g/∂h)ᵀ dV as one vector-Jacobian product of g with gradient
        // outputs dV (cheaper than differentiating the scalar Σ g·dV); gradients that do not depend on w or h are left out.
        int[] live = [.. Enumerable.Range(0, g.Length).Where(i => g[i].requires_grad)];
        Products++;
        if (live.Length == 0)
        {
            Array.Clear(product);
            for (int i = 0; i < dV.Length; i++)
            {
                dV[i] *= mu;
            }

            return;
        }

        Tensor[] directions = FlatTensors.Unflatten(dV, shapes);
        Tensor[] grads = TorchAutograd.Grad([.. live.Select(i => g[i])], [.. w, .. h.Leaves], [.. live.Select(i => directions[i])], allowUnused: true);
        FlatTensors.FlattenInto(grads[..w.Length], product);
        for (int i = 0; i < dW.Length; i++)
        {
            dW[i] += product[i];
            dV[i] *= mu;
        }

        Accumulate(grads[w.Length..]);
    }

    /// <summary>
    /// Exact reversal's step on the analytic path (<see cref="UsesAnalyticSteps"/>): undoes the forward step t of
    /// <paramref name="sgd"/> and moves the adjoints from t + 1 back to t, as <see cref="Step"/> does with exact reversal's
    /// callbacks, with the same arithmetic (the learning rate's and the momentum's adjoint sums in <see cref="FixedPointSgd"/>'s
    /// lane order, not element order; the element loops on 512-bit vectors where accelerated), but in three passes over the weights instead of a dozen:
    /// (1) undo the weight step, write w_t into the weight tensors, accumulate the learning rate's adjoint and update dV;
    /// (2) the analytic pass at the weight tensors, whose gradient is rounded and checksummed in one pass (a mismatch with
    /// the forward pass's checksum recomputes it with the forward pass's routine on the same tensors); (3) undo the velocity
    /// step from the rounded gradient, accumulating the momentum's adjoint, dW and dV. Tensors are read in place, not copied.
    /// </summary>
    /// <param name="t">The step.</param>
    /// <param name="sgd">The fixed-point state after step t (before it on return).</param>
    /// <param name="numerator">Step t's momentum numerator n.</param>
    /// <param name="denominator">The momentum denominator d.</param>
    /// <param name="checksum">The forward pass's checksum of step t's rounded gradient.</param>
    public void StepExact(int t, FixedPointSgd sgd, long numerator, long denominator, ulong checksum)
    {
        if (analytic is null)
        {
            throw new InvalidOperationException("StepExact needs the problem's analytic reverse step; use Step on the autograd path.");
        }

        double lr = LearningRate(t);
        double mu = Momentum(t);
        if (rounded.Length != dW.Length)
        {
            rounded = new long[dW.Length];
        }

        double dot = 0;
        for (int k = 0; k < shapes.Length; k++)
        {
            int offset = offsets[k];
            sgd.UndoWeightStep(lr, offset, FlatTensors.Memory(weightTensors![k]), dW, ref dot);
            Span<double> direction = FlatTensors.Memory(directionTensors![k]);
            StepDirection(dV.AsSpan(offset, direction.Length), dW.AsSpan(offset, direction.Length), lr, direction);
        }

        LearningRateAdjoints[options.EntryOf(t, LearningRates.Length)] -= dot;
        using var scope = torch.NewDisposeScope();
        Tensor[]? mixed = analytic.AnalyticReverseStep(weightTensors!, directionTensors!, h, t, out Tensor[] g, out Tensor[] hv);
        Gradients++;
        Products++;
        if (Round(sgd, g) != checksum)
        {
            // The forward pass's routine on the same tensors: the forward pass's bits.
            _ = Round(sgd, analytic.AnalyticTrainingGradient(weightTensors!, h, t));
            Gradients++;
            GradientRecomputations++;
        }

        MomentumAdjoints[options.EntryOf(t, Momenta.Length)] += sgd.UndoVelocityStep(rounded, numerator, denominator, dV);
        for (int k = 0; k < shapes.Length; k++)
        {
            int offset = offsets[k];
            ReadOnlySpan<double> part = FlatTensors.Memory(hv[k].contiguous());
            AddProduct(dW.AsSpan(offset, part.Length), part, dV.AsSpan(offset, part.Length), mu);
        }

        if (mixed is not null)
        {
            Accumulate(mixed);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (Tensor tensor in (weightTensors ?? []).Concat(directionTensors ?? []))
        {
            tensor.Dispose();
        }
    }

    /// <summary>Adds the initial weights' and the schedule's contributions; returns the gradients by name (unconstrained).</summary>
    public Dictionary<string, double[]> Finish()
    {
        using (torch.NewDisposeScope())
        {
            Tensor[] init = problem.InitialWeights(h);
            Tensor[] adjoints = FlatTensors.Unflatten(dW, shapes);
            int[] live = [.. Enumerable.Range(0, init.Length).Where(i => init[i].requires_grad)];
            if (live.Length > 0)
            {
                Accumulate(TorchAutograd.Grad([.. live.Select(i => init[i])], h.Leaves, [.. live.Select(i => adjoints[i])], allowUnused: true));
            }

            Tensor lrValues = h.Constrained(options.LearningRateName);
            Tensor muValues = h.Constrained(options.MomentumName);
            Accumulate(TorchAutograd.Grad(
                [lrValues, muValues],
                h.Leaves,
                [TensorData.FromSpan<double>(LearningRateAdjoints, lrValues.shape), TensorData.FromSpan<double>(MomentumAdjoints, muValues.shape)],
                allowUnused: true));
        }

        var named = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int i = 0; i < leafGradients.Length; i++)
        {
            named[set.Definitions[i].Name] = leafGradients[i];
        }

        return named;
    }

    private void CheckOuterLoss()
    {
        if (!double.IsFinite(OuterLoss))
        {
            throw new HyperGradException($"Reverse mode: the outer loss after {options.Steps} steps is {OuterLoss}; the inner training diverged (lower the learning rate).");
        }
    }

    private static double Dot(double[] a, double[] b) => ConjugateGradient.Dot(a, b);

    // dV ← dV − η dW, written into the direction tensor's memory too (element by element; 512-bit vectors where accelerated, the same bits).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepDirection(Span<double> dv, ReadOnlySpan<double> dw, double lr, Span<double> direction)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> rate = Vector512.Create(lr);
            ref double dvRef = ref MemoryMarshal.GetReference(dv);
            ref double dwRef = ref MemoryMarshal.GetReference(dw);
            ref double directionRef = ref MemoryMarshal.GetReference(direction);
            for (; i + Vector512<double>.Count <= dv.Length; i += Vector512<double>.Count)
            {
                Vector512<double> value = Vector512.LoadUnsafe(ref dvRef, (nuint)i) - (rate * Vector512.LoadUnsafe(ref dwRef, (nuint)i));
                value.StoreUnsafe(ref dvRef, (nuint)i);
                value.StoreUnsafe(ref directionRef, (nuint)i);
            }
        }

        for (; i < dv.Length; i++)
        {
            dv[i] -= lr * dw[i];
            direction[i] = dv[i];
        }
    }

    // dW ← dW + H·dV, dV ← μ dV (element by element; 512-bit vectors where accelerated, the same bits).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddProduct(Span<double> dw, ReadOnlySpan<double> product, Span<double> dv, double mu)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> momentum = Vector512.Create(mu);
            ref double dwRef = ref MemoryMarshal.GetReference(dw);
            ref double productRef = ref MemoryMarshal.GetReference(product);
            ref double dvRef = ref MemoryMarshal.GetReference(dv);
            for (; i + Vector512<double>.Count <= dw.Length; i += Vector512<double>.Count)
            {
                (Vector512.LoadUnsafe(ref dwRef, (nuint)i) + Vector512.LoadUnsafe(ref productRef, (nuint)i)).StoreUnsafe(ref dwRef, (nuint)i);
                (Vector512.LoadUnsafe(ref dvRef, (nuint)i) * momentum).StoreUnsafe(ref dvRef, (nuint)i);
            }
        }

        for (; i < dw.Length; i++)
        {
            dw[i] += product[i];
            dv[i] *= mu;
        }
    }

    private static IAnalyticReverseStep? Analytic(IInnerProblem problem, HyperparameterTensors h) =>
        problem is IAnalyticReverseStep step && step.CoversAnalytically(h) ? step : null;

    // If the recomputed gradient would not undo the forward step bit for bit, take it again with the forward pass's routine.
    private void CheckAgainstForward(int t, double[] weightsBefore, Func<double[], bool>? sameAsForward)
    {
        if (sameAsForward is not null && !sameAsForward(gradient))
        {
            TrainingGradient(problem, h, weightsBefore, shapes, t, gradient);
            Gradients++;
            GradientRecomputations++;
        }
    }

    // Rounds the gradient pieces into `rounded` and returns their checksum.
    private ulong Round(FixedPointSgd sgd, Tensor[] g)
    {
        ChecksumLanes sum = FixedPointSgd.StartChecksum();
        for (int k = 0; k < g.Length; k++)
        {
            sgd.RoundGradient(FlatTensors.Memory(g[k].contiguous()), offsets[k], rounded, ref sum);
        }

        return FixedPointSgd.ChecksumValue(ref sum);
    }

    private void CopyOut(Tensor[] tensors, double[] target)
    {
        for (int k = 0; k < tensors.Length; k++)
        {
            FlatTensors.Memory(tensors[k].contiguous()).CopyTo(target.AsSpan(offsets[k]));
        }
    }

    private void Accumulate(IEnumerable<Tensor> gradients)
    {
        int i = 0;
        foreach (Tensor g in gradients)
        {
            double[] values = TensorData.ToArray<double>(g);
            for (int j = 0; j < values.Length; j++)
            {
                leafGradients[i][j] += values[j];
            }

            i++;
        }
    }
}
