using System.Diagnostics;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using static MLNet.HyperGrad.Bench.HypergradBench;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Part 5 of <c>hypergrad-core</c>: HOAG (implicit differentiation, CG) on softmax regression 784→10 with penalty
/// ½·e^θ·‖W‖² on the fixed split: a grid over θ for the optimum, HOAG from θ = −2; then one θ per pixel (784) from
/// θ = −7 with the test CE logged beside the validation CE, and validation overfitting detected by stopping on a
/// held-out part of the validation set.
/// </summary>
internal static class HypergradImplicit
{
    internal sealed record Outcome(double GridOptimum, double GridTheta, double HoagValidation, int HoagSteps, bool Reached);

    /// <summary>The grid (skipped when <paramref name="knownGrid"/> gives its optimum from an earlier run) and one HOAG run from θ = −2 per outer optimizer in <paramref name="outers"/> ("hoag": <see cref="AdaptiveStepOuterOptimizer"/>, HOAG's own step rule; "adam": <see cref="HyperparameterAdam"/> with step <paramref name="outerLearningRate"/>, β₁ 0.5); the outcome is the first outer optimizer's.</summary>
    public static Outcome Run(HypergradBench.Split split, int hoagSteps, double outerLearningRate, IReadOnlyList<string> outers, (double Theta, double Optimum)? knownGrid)
    {
        var mlp = new Mlp([784, 10]);
        using var problem = new MlpInnerProblem(mlp, split.Train, split.Validation, batchSize: 200, seed: 3);
        using var testProblem = new MlpInnerProblem(mlp, split.Train, split.Test, batchSize: 200, seed: 3);
        var theta = new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1);

        Console.WriteLine();
        Console.WriteLine(Invariant($"## 5. HOAG: softmax regression 784→10, penalty ½·e^θ·‖W‖² (weights, not biases), {split.Train.Rows} training / {split.Validation.Rows} validation rows, inner solve by Newton-CG on the whole training set"));
        double optimum;
        double bestTheta;
        if (knownGrid is { } known)
        {
            (bestTheta, optimum) = known;
            Console.WriteLine(Invariant($"grid NOT run in this process: its optimum given on the command line (--grid-optimum {optimum:F4} --grid-theta {bestTheta:F2}, from an earlier run of this part)"));
        }
        else
        {
            (bestTheta, optimum) = Grid(problem, testProblem, theta);
        }

        Outcome? first = null;
        foreach (string outer in outers)
        {
            Outcome o = Hoag(problem, testProblem, theta, hoagSteps, outer, outerLearningRate, optimum, bestTheta);
            first ??= o;
        }

        return first ?? new Outcome(optimum, bestTheta, double.NaN, 0, false);
    }

    private static (double Theta, double Optimum) Grid(MlpInnerProblem problem, MlpInnerProblem testProblem, Hyperparameter theta)
    {
        var clock = Stopwatch.StartNew();
        var gridSolver = new ImplicitDifferentiation();
        var grid = new SortedDictionary<double, (double Validation, double Test)>();
        double[]? warm = null;
        void Evaluate(double t)
        {
            if (grid.ContainsKey(t))
            {
                return;
            }

            HyperparameterSet h = new HyperparameterSet().Add(theta, Math.Exp(t));
            warm = gridSolver.SolveFromInitialWeights(problem, h, 1e-4, warm);
            grid[t] = (Outer(problem, h, warm), Outer(testProblem, h, warm));
        }

        for (double t = -3; t >= -10; t--)
        {
            Evaluate(t);
        }

        double coarse = grid.MinBy(p => p.Value.Validation).Key;
        for (double t = coarse + 0.5; t >= coarse - 0.5; t -= 0.25)
        {
            Evaluate(t);
        }

        (double bestTheta, (double optimum, _)) = grid.MinBy(p => p.Value.Validation);
        Console.WriteLine(Invariant($"grid over θ (−3 … −10 by 1, then ±0.5 by 0.25 around the best; Newton-CG to an inner gradient norm ≤ 1e-4, each point warm-started from the previous; {clock.Elapsed.TotalSeconds:F0} s):"));
        Console.WriteLine("| θ | validation CE | test CE |");
        Console.WriteLine("|---|---|---|");
        foreach ((double t, (double v, double te)) in grid.Reverse())
        {
            Console.WriteLine(Invariant($"| {t:F2} | {v:F4}{(t == bestTheta ? " (optimum)" : string.Empty)} | {te:F4} |"));
        }

        return (bestTheta, optimum);
    }

    private static Outcome Hoag(MlpInnerProblem problem, MlpInnerProblem testProblem, Hyperparameter theta, int hoagSteps, string outer, double outerLearningRate, double optimum, double bestTheta)
    {
        IOuterOptimizer optimizer = outer switch
        {
            "adam" => new HyperparameterAdam(outerLearningRate, beta1: 0.5),
            "hoag" => new AdaptiveStepOuterOptimizer(),
            _ => throw new ArgumentException($"--hoag-outer: expected adam or hoag; got \"{outer}\"."),
        };
        string described = optimizer is AdaptiveStepOuterOptimizer a
            ? Invariant($"HOAG's step rule (AdaptiveStepOuterOptimizer: step 1/L, first step length {a.InitialStepLength}, L ×{a.Shrink} after a sufficient decrease, ×{a.Grow} after an increase, tolerances allowed for)")
            : Invariant($"HyperparameterAdam step {outerLearningRate}, β₁ 0.5");
        Console.WriteLine();
        Console.WriteLine(Invariant($"HOAG from θ = −2, outer optimizer: {described}; tolerances ε_k = 1e-3·0.5^k (inner gradient norm and CG residual), warm-started inner solves"));
        Console.WriteLine("| outer step | θ | validation CE | − grid optimum | test CE | inner tolerance | step size 1/L | Hessian-vector products | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var hoag = new ImplicitDifferentiation();
        HyperparameterSet current = new HyperparameterSet().Add(theta, Math.Exp(-2));
        int reachedAt = -1;
        double reachedValue = double.NaN;
        double last = double.NaN;
        for (int k = 0; k <= hoagSteps; k++)
        {
            HypergradientResult r = hoag.Compute(problem, current);
            last = r.OuterLoss;
            double test = Outer(testProblem, current, hoag.Weights!);
            double u = current.UnconstrainedValues(theta.Name)[0];
            HyperparameterSet? next = k < hoagSteps ? optimizer.Step(current, r) : null;
            string stepSize = optimizer is AdaptiveStepOuterOptimizer adaptive && next is not null ? Invariant($"{1 / adaptive.Lipschitz:G3}{(adaptive.LastJudgement < 0 ? " (loss rose: L ×2)" : string.Empty)}") : "";
            Console.WriteLine(Invariant($"| {k} | {u:F3} | {r.OuterLoss:F4} | {r.OuterLoss - optimum:+0.0000;-0.0000} | {test:F4} | {hoag.LastTolerance:E1} | {stepSize} | {r.Cost.HessianVectorProducts} | {r.Cost.Elapsed.TotalSeconds:F1} |"));
            if (reachedAt < 0 && r.OuterLoss <= optimum + 0.001)
            {
                reachedAt = k;
                reachedValue = r.OuterLoss;
            }

            current = next ?? current;
        }

        bool reached = reachedAt >= 0;
        Console.WriteLine(reached
            ? Invariant($"HOAG ({outer}) reaches the grid optimum ({optimum:F4} at θ = {bestTheta:F2}) within 0.001 after {reachedAt} outer steps: {reachedValue:F4}")
            : Invariant($"HOAG ({outer}) does NOT reach within 0.001 of the grid optimum {optimum:F4} in {hoagSteps} outer steps (last {last:F4})"));

        return new Outcome(optimum, bestTheta, reached ? reachedValue : last, reached ? reachedAt : hoagSteps, reached);
    }

    /// <summary>The per-pixel parts: tuning on the whole validation set, then tuning on 4/5 of it while watching the other 1/5; singleOptimum is <see cref="Run"/>'s grid optimum (NaN when that part did not run in this process); a negative step count skips that run.</summary>
    public static void RunPerPixel(HypergradBench.Split split, double singleOptimum, int pixelSteps, int holdoutSteps, double learningRate)
    {
        var mlp = new Mlp([784, 10]);
        using var problem = new MlpInnerProblem(mlp, split.Train, split.Validation, batchSize: 200, seed: 3);
        using var testProblem = new MlpInnerProblem(mlp, split.Train, split.Test, batchSize: 200, seed: 3);
        if (pixelSteps >= 0)
        {
            PerPixel(problem, testProblem, singleOptimum, pixelSteps, learningRate);
        }

        if (holdoutSteps >= 0)
        {
            Holdout(mlp, split, testProblem, holdoutSteps, learningRate);
        }
    }

    private static void PerPixel(MlpInnerProblem problem, MlpInnerProblem testProblem, double singleOptimum, int steps, double learningRate)
    {
        Console.WriteLine();
        Console.WriteLine(Invariant($"### Per-pixel L2: 784 hyperparameters from θ = −7, HyperparameterAdam step {learningRate}, tuned on the whole validation set (single-θ optimum {singleOptimum:F4}; target ≤ {singleOptimum - 0.03:F4} within {steps} steps)"));
        Console.WriteLine("| outer step | validation CE | − single-θ optimum | test CE | θ min / median / max | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var perPixel = new PerPixelL2Problem(problem);
        var hoag = new ImplicitDifferentiation();
        var adam = new HyperparameterAdam(learningRate, beta1: 0.5);
        HyperparameterSet current = new HyperparameterSet().Add(new Hyperparameter(PerPixelL2Problem.Name, HyperparameterTransform.Log, 784), Math.Exp(-7));
        double best = double.PositiveInfinity;
        int bestStep = -1;
        for (int k = 0; k <= steps; k++)
        {
            HypergradientResult r = hoag.Compute(perPixel, current);
            double test = Outer(testProblem, current, hoag.Weights!);
            double[] u = [.. current.UnconstrainedValues(PerPixelL2Problem.Name).Order()];
            Console.WriteLine(Invariant($"| {k} | {r.OuterLoss:F4} | {r.OuterLoss - singleOptimum:+0.0000;-0.0000} | {test:F4} | {u[0]:F2} / {u[u.Length / 2]:F2} / {u[^1]:F2} | {r.Cost.Elapsed.TotalSeconds:F1} |"));
            if (r.OuterLoss < best)
            {
                (best, bestStep) = (r.OuterLoss, k);
            }

            if (k < steps)
            {
                current = adam.Step(current, r);
            }
        }

        Console.WriteLine(Invariant($"per-pixel: best validation CE {best:F4} at step {bestStep}, {singleOptimum - best:F4} below the single-θ optimum: target (≥ 0.03) {(singleOptimum - best >= 0.03 ? "met" : "NOT met")}"));
    }

    private static void Holdout(Mlp mlp, HypergradBench.Split split, MlpInnerProblem testProblem, int steps, double learningRate)
    {
        int tuneRows = split.Validation.Rows * 4 / 5;
        TabularDataset tune = split.Validation.Subset(Enumerable.Range(0, tuneRows).ToArray());
        TabularDataset held = split.Validation.Subset(Enumerable.Range(tuneRows, split.Validation.Rows - tuneRows).ToArray());
        using var tuneProblem = new MlpInnerProblem(mlp, split.Train, tune, batchSize: 200, seed: 3);
        using var heldProblem = new MlpInnerProblem(mlp, split.Train, held, batchSize: 200, seed: 3);
        const int patience = 2;
        const int stepsAfterStop = 3;
        Console.WriteLine();
        Console.WriteLine(Invariant($"### Overfitting the validation set: per-pixel L2 tuned on validation rows 0 … {tuneRows - 1}, watched on the held-out rows {tuneRows} … {split.Validation.Rows - 1}; stop when the held-out CE has not improved for {patience} outer steps (the run goes on {stepsAfterStop} steps past the stop, at most to step {steps}, to show what stopping avoids)"));
        Console.WriteLine("| outer step | tuning-part CE | held-out CE | test CE | stop rule |");
        Console.WriteLine("|---|---|---|---|---|");
        var perPixel = new PerPixelL2Problem(tuneProblem);
        var hoag = new ImplicitDifferentiation();
        var adam = new HyperparameterAdam(learningRate, beta1: 0.5);
        HyperparameterSet current = new HyperparameterSet().Add(new Hyperparameter(PerPixelL2Problem.Name, HyperparameterTransform.Log, 784), Math.Exp(-7));
        double bestHeld = double.PositiveInfinity;
        int bestStep = 0;
        int stopStep = -1;
        int keptStep = -1;
        var tests = new List<double>();
        for (int k = 0; k <= steps; k++)
        {
            HypergradientResult r = hoag.Compute(perPixel, current);
            double heldCe = Outer(heldProblem, current, hoag.Weights!);
            double test = Outer(testProblem, current, hoag.Weights!);
            tests.Add(test);
            string note = string.Empty;
            if (heldCe < bestHeld)
            {
                (bestHeld, bestStep) = (heldCe, k);
            }
            else if (stopStep < 0 && k - bestStep >= patience)
            {
                (stopStep, keptStep) = (k, bestStep);
                note = Invariant($"stop here; keep step {bestStep}");
            }

            Console.WriteLine(Invariant($"| {k} | {r.OuterLoss:F4} | {heldCe:F4} | {test:F4} | {note} |"));
            if (stopStep >= 0 && k >= stopStep + stepsAfterStop)
            {
                // The inner Newton-CG solves get about twice as long per outer step as the per-pixel penalties shrink
                // (33, 45, 73 s at steps 7-9 on a quiet machine; over 20 minutes by step 14): past the stop, a few
                // steps show the rise that stopping avoids.
                break;
            }

            if (k < steps)
            {
                current = adam.Step(current, r);
            }
        }

        Console.WriteLine(stopStep >= 0
            ? Invariant($"held-out stopping keeps step {keptStep} (test CE {tests[keptStep]:F4}); running on to step {tests.Count - 1} gives test CE {tests[^1]:F4}; lowest test CE seen {tests.Min():F4} at step {tests.IndexOf(tests.Min())}")
            : Invariant($"the held-out CE kept improving for all {steps} steps (best at step {bestStep}): no validation overfitting detected in this run; test CE first {tests[0]:F4}, last {tests[^1]:F4}, lowest {tests.Min():F4} at step {tests.IndexOf(tests.Min())}"));
    }
}
