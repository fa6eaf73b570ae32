using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Transfer;
using MLNet.HyperGrad.Tuners;
using TorchSharp;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Issue 11's transfer benchmark on Wistuba's SVM meta-data (50 tasks × the same 288 configurations): leave one task out,
/// pre-train a GP prior on the other 49, tune the held-out task; mean normalized regret at 1, 3, 5, 10, 20, 30 evaluations.
/// </summary>
/// <remarks>
/// <para>
/// Data: <c>../shared/data/wistuba-svm</c> (read at run time, never copied). Loss = −accuracy. Our GP tuners see each
/// configuration as README columns 2–7 (kernel one-hot, C, γ, log₁₀ degree) min-max scaled to [0, 1] over the 288
/// configurations, six continuous slots. Normalized regret r_n = (max y − best after n) / (max y − min y), averaged over tasks.
/// </para>
/// <para>
/// Methods: random search (seeds 0 … S−1, distinct configurations); single-task <see cref="GaussianProcessTuner"/> in candidate
/// mode (defaults: 10 Sobol starts snapped to candidates); a GP whose prior mean and covariance are the empirical ones of the other
/// 49 tasks (their standardized accuracies at each configuration), with PI (margin 0.01) on the held-out task's sample-standardized
/// losses, noise 0.01; <see cref="MetaGaussianProcessTuner"/> (library defaults, candidate mode) pre-trained with the library's
/// default <see cref="GpPriorPretrainingOptions"/> on the other 49 tasks, and again on unmatched data (each training task keeps a
/// seeded random half of its rows); and, over the SVM space as an Optuna user defines it (kernel categorical, log C, log γ only for
/// RBF, degree only for polynomial), our GP tuner (whole-space mode over a <see cref="ConditionalSearchSpace"/>) and Optuna 5's
/// GPSampler (ask-and-tell, define-by-run), each suggestion snapped to the nearest configuration of its kernel (the tuner is told
/// that configuration's loss; a repeat costs an evaluation).
/// </para>
/// </remarks>
internal static class TransferBenchmark
{
    private static readonly int[] Checkpoints = [1, 3, 5, 10, 20, 30];
    private static readonly string[] Kernels = ["rbf", "poly", "linear"];

    public static int Run(string[] args)
    {
        // Small matrices (≤ 288 points): libtorch's intra-op threads only spin. Without this, idle OpenMP workers spinning on a
        // shared machine multiplied the benchmark's CPU time about eightfold (RESULTS.md, "Transfer (issue 11)").
        OpenMpEnvironment.UsePassiveWaitUnlessSet();
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        torch.set_num_threads(CsvLoadBenchmark.Int(options, "--threads", 1));
        string data = options.TryGetValue("--data", out string? d) ? d : FindData();
        int budget = CsvLoadBenchmark.Int(options, "--budget", 30);
        int randomSeeds = CsvLoadBenchmark.Int(options, "--random-seeds", 10);
        int taskLimit = CsvLoadBenchmark.Int(options, "--tasks", 50);
        int firstTask = CsvLoadBenchmark.Int(options, "--first-task", 0);
        int steps = CsvLoadBenchmark.Int(options, "--steps", new GpPriorPretrainingOptions().Steps);
        string methodList = options.TryGetValue("--methods", out string? m) ? m : "random,gp,empirical,meta,meta-unmatched,gp-space,optuna-gp";
        var methods = new HashSet<string>(methodList.Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        var pretraining = new GpPriorPretrainingOptions
        {
            Steps = steps,
            MeanKind = options.TryGetValue("--mean", out string? meanName) ? Enum.Parse<PriorMeanKind>(meanName, ignoreCase: true) : new GpPriorPretrainingOptions().MeanKind,
            KlWeight = options.TryGetValue("--kl", out string? kl) ? double.Parse(kl, CultureInfo.InvariantCulture) : new GpPriorPretrainingOptions().KlWeight,
            KernelOnFeatures = options.ContainsKey("--features"),
            InputDependentScale = options.TryGetValue("--input-scale", out string? inputScale) ? bool.Parse(inputScale) : new GpPriorPretrainingOptions().InputDependentScale,
            EmpiricalCovariance = options.TryGetValue("--empirical-cov", out string? empiricalCov) ? bool.Parse(empiricalCov) : new GpPriorPretrainingOptions().EmpiricalCovariance,
            EmpiricalMoments = options.TryGetValue("--empirical-moments", out string? empiricalMoments) ? (empiricalMoments == "auto" ? null : bool.Parse(empiricalMoments)) : new GpPriorPretrainingOptions().EmpiricalMoments,
            EmpiricalKernelOffSharedPointsOnly = options.TryGetValue("--kernel-off-shared", out string? offShared) ? bool.Parse(offShared) : new GpPriorPretrainingOptions().EmpiricalKernelOffSharedPointsOnly,
            EmpiricalKernelWeight = options.TryGetValue("--kernel-weight", out string? kernelWeight) ? double.Parse(kernelWeight, CultureInfo.InvariantCulture) : new GpPriorPretrainingOptions().EmpiricalKernelWeight,
            EmpiricalMean = options.TryGetValue("--empirical-mean", out string? empiricalMean) ? bool.Parse(empiricalMean) : new GpPriorPretrainingOptions().EmpiricalMean,
            EmpiricalShrinkage = options.TryGetValue("--shrinkage", out string? shrinkage) ? double.Parse(shrinkage, CultureInfo.InvariantCulture) : new GpPriorPretrainingOptions().EmpiricalShrinkage,
            LearningRate = options.TryGetValue("--lr", out string? lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : new GpPriorPretrainingOptions().LearningRate,
            HiddenWidth = CsvLoadBenchmark.Int(options, "--width", new GpPriorPretrainingOptions().HiddenWidth),
            MinibatchSize = CsvLoadBenchmark.Int(options, "--minibatch", new GpPriorPretrainingOptions().MinibatchSize),
            MetaFeatureInput = options.TryGetValue("--meta-feature-input", out string? metaFeatureInput) ? (metaFeatureInput == "auto" ? null : bool.Parse(metaFeatureInput)) : new GpPriorPretrainingOptions().MetaFeatureInput,
        };
        string? cache = options.TryGetValue("--prior-cache", out string? cacheDirectory) ? Directory.CreateDirectory(cacheDirectory).FullName : null;
        MetaGaussianProcessTunerOptions metaOptions = MetaOptions(options.TryGetValue("--meta", out string? metaName) ? metaName : "default", []);

        (string[] names, double[][] raw, double[][] accuracy, double[][] metaFeatures) = Load(data);

        // The data sets' 22 meta-features (README columns 8-29) by name, as a study's attributes would carry them: "col08" ... "col29".
        IReadOnlyDictionary<string, double> MetaFeaturesOf(int task) => Enumerable.Range(0, metaFeatures[task].Length).ToDictionary(j => Invariant($"col{j + 8:D2}"), j => metaFeatures[task][j], StringComparer.Ordinal);
        double[][] encoded = Encode(raw);
        int n = encoded.Length;
        var space = new SearchSpace();
        for (int j = 0; j < encoded[0].Length; j++)
        {
            space[$"c{j + 1}"] = new UniformDoubleOption(0, 1);
        }

        Parameter[] candidates = [.. encoded.Select(space.SampleFromFeatureSpace)];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            index[candidates[i].ToString()] = i;
        }

        if (options.ContainsKey("--profile"))
        {
            List<TransferTask> all = [.. Enumerable.Range(1, names.Length - 1).Select(o => new TransferTask(names[o], encoded, [.. accuracy[o].Select(a => -a)]))];
            foreach (int k in new[] { 0, 0, 5, 20 })
            {
                var watch = Stopwatch.StartNew();
                double cpu = Environment.CpuUsage.TotalTime.TotalSeconds;
                PretrainedGpPrior p = GpPriorPretraining.Pretrain(all, new GpPriorPretrainingOptions { Steps = k, MeanKind = pretraining.MeanKind, KlWeight = pretraining.KlWeight });
                Console.WriteLine(Invariant($"pretrain {k} steps: {watch.Elapsed.TotalSeconds:F2} s wall, {Environment.CpuUsage.TotalTime.TotalSeconds - cpu:F2} s cpu"));
                if (k == 20)
                {
                    watch.Restart();
                    cpu = Environment.CpuUsage.TotalTime.TotalSeconds;
                    Drive(new MetaGaussianProcessTuner(space, p, 0, new MetaGaussianProcessTunerOptions { Candidates = candidates }), q => index[q.ToString()], [.. accuracy[0].Select(a => -a)], budget);
                    Console.WriteLine(Invariant($"meta tuner {budget} trials: {watch.Elapsed.TotalSeconds:F2} s wall, {Environment.CpuUsage.TotalTime.TotalSeconds - cpu:F2} s cpu"));
                    watch.Restart();
                    cpu = Environment.CpuUsage.TotalTime.TotalSeconds;
                    Drive(new GaussianProcessTuner(space, 0, new GaussianProcessTunerOptions { Candidates = candidates }), q => index[q.ToString()], [.. accuracy[0].Select(a => -a)], budget);
                    Console.WriteLine(Invariant($"gp tuner {budget} trials: {watch.Elapsed.TotalSeconds:F2} s wall, {Environment.CpuUsage.TotalTime.TotalSeconds - cpu:F2} s cpu"));
                }
            }

            return 0;
        }

        Console.WriteLine(Invariant($"transfer: {names.Length} tasks x {n} configurations from {data}; budget {budget}; pre-training {pretraining.MeanKind} mean, width {pretraining.HiddenWidth}, kernel on {(pretraining.KernelOnFeatures ? "features" : "inputs")}{(pretraining.InputDependentScale ? " with an input-dependent scale" : "")}{(pretraining.EmpiricalCovariance ? (pretraining.EmpiricalMoments != false ? Invariant($" plus the {(pretraining.EmpiricalMoments is null ? "(automatic: on fully matched tasks) " : "")}exact empirical mean and covariance (shrinkage {pretraining.EmpiricalShrinkage}{(pretraining.EmpiricalKernelOffSharedPointsOnly ? ", kernel off the shared points only" : "")}{(pretraining.EmpiricalKernelWeight is double kw ? Invariant($", kernel weight {kw}") : "")}{(pretraining.EmpiricalMean ? "" : ", pre-trained mean kept")}) where tasks share points") : " plus the empirical covariance where tasks share points") : "")}, {pretraining.Steps} Adam steps, lr {pretraining.LearningRate}, minibatch {pretraining.MinibatchSize}, KL weight {pretraining.KlWeight}{(pretraining.MetaFeatureInput != false ? Invariant($", meta-features as an input of the mean ({(pretraining.MetaFeatureInput is null ? "automatic" : "on")})") : "")}"));
        var curves = new Dictionary<string, List<double[]>>(StringComparer.Ordinal);
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        int[] taskList = options.TryGetValue("--task-list", out string? listed)
            ? [.. listed.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture))]
            : [.. Enumerable.Range(firstTask, Math.Min(taskLimit, names.Length - firstTask))];
        int tasks = taskList.Length;
        if (options.TryGetValue("--nested", out string? nestedMenu))
        {
            return TransferNested.Run(accuracy, names, taskList, nestedMenu is "" or "default" ? TransferNested.DefaultMenu : nestedMenu, budget);
        }

        if (options.TryGetValue("--dump-picks", out string? picksPath))
        {
            // Appended to per task below; one run per file.
            File.WriteAllText(picksPath, string.Empty);
        }

        string[] variants = options.TryGetValue("--meta-variants", out string? variantList) ? variantList.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        string[] empiricalVariants = options.TryGetValue("--empirical-variants", out string? empiricalList) ? empiricalList.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        foreach (int t in taskList)
        {
            double[] loss = [.. accuracy[t].Select(a => -a)];
            var row = new List<string>();
            void Add(string method, double[] curve, double elapsed)
            {
                if (!curves.TryGetValue(method, out List<double[]>? list))
                {
                    curves[method] = list = [];
                }

                list.Add(curve);
                seconds[method] = seconds.GetValueOrDefault(method) + elapsed;
                if (method != "random" || list.Count % randomSeeds == 0)
                {
                    double[] shown = method == "random" ? Mean(list[^randomSeeds..]) : curve;
                    row.Add(Invariant($"{method} {string.Join("/", Checkpoints.Where(c => c <= shown.Length).Select(c => shown[c - 1].ToString("F4", CultureInfo.InvariantCulture)))}"));
                }
            }

            var clock = Stopwatch.StartNew();
            if (methods.Contains("random"))
            {
                for (int s = 0; s < randomSeeds; s++)
                {
                    var random = new Random(SeedMixer.Mix(s, t));
                    int[] order = [.. Enumerable.Range(0, n).OrderBy(_ => random.Next())];
                    Add("random", Regret(loss, order.Take(budget)), s == randomSeeds - 1 ? clock.Elapsed.TotalSeconds : 0);
                }
            }

            if (methods.Contains("gp"))
            {
                clock.Restart();
                var tuner = new GaussianProcessTuner(space, t, new GaussianProcessTunerOptions { Candidates = candidates });
                Add("gp", Regret(loss, Drive(tuner, p => index[p.ToString()], loss, budget)), clock.Elapsed.TotalSeconds);
            }

            if (methods.Contains("empirical"))
            {
                clock.Restart();
                Add("empirical", Regret(loss, EmpiricalPriorPi(accuracy, t, budget)), clock.Elapsed.TotalSeconds);
            }

            foreach (string variant in empiricalVariants)
            {
                clock.Restart();
                Add("empirical:" + variant, Regret(loss, EmpiricalPrior(accuracy, encoded, t, budget, EmpiricalSettings.Parse(variant))), clock.Elapsed.TotalSeconds);
            }

            if (methods.Contains("meta"))
            {
                clock.Restart();
                List<TransferTask> sources = [.. Enumerable.Range(0, names.Length).Where(o => o != t).Select(o => new TransferTask(names[o], encoded, [.. accuracy[o].Select(a => -a)]) { MetaFeatures = MetaFeaturesOf(o) })];
                PretrainedGpPrior prior = Pretrain(sources, pretraining, cache, t, "matched");
                metaOptions = Copy(metaOptions, taskMetaFeatures: MetaFeaturesOf(t));
                row.Add(Invariant($"pre-training {clock.Elapsed.TotalSeconds:F1} s"));
                if (options.ContainsKey("--verbose"))
                {
                    row.Add(Invariant($"prior: length scales {string.Join("/", prior.LengthScales.Select(v => v.ToString("G3", CultureInfo.InvariantCulture)))}, output scale {prior.OutputScale:G3}{(prior.InputDependentScale || prior.HasEmpiricalCovariance ? Invariant($" (variance over the candidates {Quantiles(prior.Variance(encoded))})") : "")}{(prior.HasEmpiricalCovariance ? Invariant($", empirical covariance weight {prior.EmpiricalCovarianceWeight:G3}, kernel weight {prior.KernelWeight:G3}{(prior.HasEmpiricalMoments ? " (exact moments)" : "")}") : "")}, noise {prior.NoiseVariance:G3}, objective {prior.ObjectiveHistory.Take(5).DefaultIfEmpty(double.NaN).Average():F3} -> {prior.ObjectiveHistory.TakeLast(5).DefaultIfEmpty(double.NaN).Average():F3}, skipped {prior.SkippedSteps}"));

                    // How well the prior explains the held-out task (its own meta-features when the mean reads them) against the
                    // source tasks it was fitted on: negative log likelihood per point of the standardized losses, first 128 points.
                    var heldOutTask = new TransferTask(names[t], encoded, loss) { MetaFeatures = MetaFeaturesOf(t) };
                    row.Add(Invariant($"fit NLL/point: held-out {prior.FitOf(heldOutTask).NegativeLogLikelihoodPerPoint:F3}, sources {sources.Average(s => prior.FitOf(s).NegativeLogLikelihoodPerPoint):F3}"));
                }

                var tuner = new MetaGaussianProcessTuner(space, prior, 0, MetaOptions(metaOptions, candidates));
                List<int> metaPicks = Drive(tuner, p => index[p.ToString()], loss, budget);
                Add("meta", Regret(loss, metaPicks), clock.Elapsed.TotalSeconds);
                if (options.TryGetValue("--dump-picks", out string? picksFile))
                {
                    // One line per held-out task: its index, then the configurations the meta tuner evaluated, in order (for prototypes outside C#).
                    File.AppendAllText(picksFile, Invariant($"{t} {string.Join(" ", metaPicks)}{Environment.NewLine}"));
                }
                foreach (string variant in variants)
                {
                    clock.Restart();
                    if (variant.StartsWith("handoff", StringComparison.Ordinal))
                    {
                        // The meta tuner (library defaults) for the first K trials, then the raw-unit empirical GP with PI (H40's
                        // baseline, `empirical:raw+xi0.1`) conditioned on those K observations for the rest.
                        int handoff = int.Parse(variant[7..], CultureInfo.InvariantCulture);
                        List<int> first = Drive(new MetaGaussianProcessTuner(space, prior, 0, MetaOptions(metaOptions, candidates)), p => index[p.ToString()], loss, handoff);
                        Add("meta:" + variant, Regret(loss, EmpiricalPrior(accuracy, encoded, t, budget, EmpiricalSettings.Parse("raw+xi0.1"), first)), clock.Elapsed.TotalSeconds);
                        continue;
                    }

                    if (variant.StartsWith("mfstart", StringComparison.Ordinal))
                    {
                        // H44: trial 1 = the minimizer of the meta-feature-weighted mean normalized regret of the sources (weights
                        // exp(−γ d_u / median d), γ from the variant's name), then the meta tuner (library defaults) as usual.
                        double gamma = double.Parse(variant[7..], CultureInfo.InvariantCulture);
                        int first = MetaFeatureStart(accuracy, metaFeatures, t, gamma);
                        var started = new MetaGaussianProcessTuner(space, prior.WithPortfolio([encoded[first]]), 0, Copy(metaOptions, candidates, portfolio: 1));
                        Add("meta:" + variant, Regret(loss, Drive(started, p => index[p.ToString()], loss, budget)), clock.Elapsed.TotalSeconds);
                        continue;
                    }

                    var other = new MetaGaussianProcessTuner(space, prior, 0, Copy(MetaOptions(variant, candidates), taskMetaFeatures: MetaFeaturesOf(t)));
                    Add("meta:" + variant, Regret(loss, Drive(other, p => index[p.ToString()], loss, budget)), clock.Elapsed.TotalSeconds);
                }
            }

            if (methods.Contains("meta-unmatched"))
            {
                clock.Restart();
                var sources = new List<TransferTask>();
                foreach (int o in Enumerable.Range(0, names.Length).Where(o => o != t))
                {
                    var random = new Random(SeedMixer.Mix(1000 + t, o));
                    int[] kept = [.. Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(n / 2).Order()];
                    sources.Add(new TransferTask(names[o], [.. kept.Select(i => encoded[i])], [.. kept.Select(i => -accuracy[o][i])]) { MetaFeatures = MetaFeaturesOf(o) });
                }

                PretrainedGpPrior prior = Pretrain(sources, pretraining, cache, t, "unmatched");
                metaOptions = Copy(metaOptions, taskMetaFeatures: MetaFeaturesOf(t));
                var tuner = new MetaGaussianProcessTuner(space, prior, 0, MetaOptions(metaOptions, candidates));
                Add("meta-unmatched", Regret(loss, Drive(tuner, p => index[p.ToString()], loss, budget)), clock.Elapsed.TotalSeconds);
            }

            if (methods.Contains("gp-space"))
            {
                clock.Restart();
                SearchSpace svm = SvmSpace(raw);
                var tuner = new GaussianProcessTuner(svm, t);
                Add("gp-space", Regret(loss, Drive(tuner, p => Snap(raw, FromParameter(p)), loss, budget)), clock.Elapsed.TotalSeconds);
            }

            if (methods.Contains("optuna-gp"))
            {
                clock.Restart();
                Add("optuna-gp", Regret(loss, OptunaGp(raw, loss, budget, t)), clock.Elapsed.TotalSeconds);
            }

            Console.WriteLine(Invariant($"task {t + 1}/{names.Length} {names[t]} (r1/r3/r5/r10/r20/r30): {string.Join(", ", row)}"));
        }

        Console.WriteLine();
        Console.WriteLine(Invariant($"mean normalized regret over {tasks} held-out tasks (random: x{randomSeeds} seeds); loaded machine"));
        Console.WriteLine("| method | r1 | r3 | r5 | r10 | r20 | r30 | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach ((string method, List<double[]> list) in curves)
        {
            double[] mean = Mean(list);
            Console.WriteLine(Invariant($"| {method} | {string.Join(" | ", Checkpoints.Select(c => c <= mean.Length ? mean[c - 1].ToString("F4", CultureInfo.InvariantCulture) : "-"))} | {seconds[method]:F0} |"));
        }

        Console.WriteLine("| README: random (ref) | | | | 0.109 | | 0.046 | |");
        Console.WriteLine("| README: single-task GP-EI (ref) | | | | 0.099 | | 0.036 | |");
        Console.WriteLine("| README: empirical prior + PI (ref) | | | | 0.019 | | 0.006 | |");
        if (curves.TryGetValue("meta", out List<double[]>? meta))
        {
            Console.WriteLine(Invariant($"meta regret r1 r3 r5 r10 r20 r30: {Line(Mean(meta))}"));
        }

        if (curves.TryGetValue("gp", out List<double[]>? gp))
        {
            Console.WriteLine(Invariant($"single-task gp regret r1 r3 r5 r10 r20 r30: {Line(Mean(gp))}"));
        }

        return 0;
    }

    /// <summary>Meta-tuner settings by name (development sweeps, <c>--meta</c> and <c>--meta-variants</c>): <c>default</c>, or <c>+</c>-joined <c>ei</c>, <c>pi</c>, <c>ucb</c>, <c>norefit</c>, <c>startN</c> (N Sobol startup trials), <c>centre</c> / <c>nocentre</c> (offset centred on the prior or 0), <c>centreN</c> (centred from trial N, <see cref="MetaGaussianProcessTunerOptions.CentreFromTrial"/>; plain <c>centre</c> keeps the automatic choice), <c>refitN</c> (refit from N points), <c>portN</c> (the first N proposals the prior's greedy portfolio, <see cref="MetaGaussianProcessTunerOptions.PortfolioTrials"/>), <c>libhandoffK</c> (<see cref="MetaGaussianProcessTunerOptions.EmpiricalHandoffTrial"/> = K; the default is 3), <c>nohandoff</c> (null: the meta tuner throughout, the default before 2026-12-04); in <c>--meta-variants</c> also <c>handoffK</c> (handled by the caller: the meta tuner for K trials, then <c>empirical:raw+xi0.1</c> conditioned on them).</summary>
    private static MetaGaussianProcessTunerOptions MetaOptions(string name, Parameter[] candidates)
    {
        var result = new MetaGaussianProcessTunerOptions { Candidates = candidates.Length > 0 ? candidates : null };
        foreach (string part in name.Split('+', StringSplitOptions.RemoveEmptyEntries))
        {
            result = part switch
            {
                "default" => result,
                "ei" => Copy(result, acquisition: AcquisitionKind.LogExpectedImprovement),
                "pi" => Copy(result, acquisition: AcquisitionKind.LogProbabilityOfImprovement),
                "ucb" => Copy(result, acquisition: AcquisitionKind.UpperConfidenceBound),
                "norefit" => Copy(result, refit: false),
                "centre" => Copy(result, centre: true),
                "nocentre" => Copy(result, centre: false),
                _ when part.StartsWith("centre", StringComparison.Ordinal) => Copy(result, centre: true, centreFrom: int.Parse(part[6..], CultureInfo.InvariantCulture)),
                _ when part.StartsWith("start", StringComparison.Ordinal) => Copy(result, startup: int.Parse(part[5..], CultureInfo.InvariantCulture)),
                _ when part.StartsWith("refit", StringComparison.Ordinal) => Copy(result, refitFrom: int.Parse(part[5..], CultureInfo.InvariantCulture)),
                _ when part.StartsWith("port", StringComparison.Ordinal) => Copy(result, portfolio: int.Parse(part[4..], CultureInfo.InvariantCulture)),
                "nohandoff" => Copy(result, noHandoff: true),
                _ when part.StartsWith("libhandoff", StringComparison.Ordinal) => Copy(result, handoff: int.Parse(part[10..], CultureInfo.InvariantCulture)),
                _ => throw new ArgumentException($"Unknown meta-tuner setting \"{part}\"; use default, ei, pi, ucb, norefit, startN, centre, centreN, nocentre, refitN, portN, libhandoffK, nohandoff joined by +."),
            };
        }

        return result;
    }

    private static MetaGaussianProcessTunerOptions MetaOptions(MetaGaussianProcessTunerOptions template, Parameter[] candidates) => Copy(template, candidates: candidates);

    private static MetaGaussianProcessTunerOptions Copy(MetaGaussianProcessTunerOptions o, Parameter[]? candidates = null, AcquisitionKind? acquisition = null, bool? refit = null, int? startup = null, bool? centre = null, int? refitFrom = null, int? centreFrom = null, int? portfolio = null, int? handoff = null, bool noHandoff = false, IReadOnlyDictionary<string, double>? taskMetaFeatures = null) => new()
    {
        TaskMetaFeatures = taskMetaFeatures ?? o.TaskMetaFeatures,
        Candidates = candidates ?? o.Candidates,
        Acquisition = acquisition ?? o.Acquisition,
        RefitOutputScaleAndNoise = refit ?? o.RefitOutputScaleAndNoise,
        StartupTrials = startup ?? o.StartupTrials,
        CentreOnPrior = centre ?? o.CentreOnPrior,
        CentreFromTrial = centreFrom ?? o.CentreFromTrial,
        RefitFrom = refitFrom ?? o.RefitFrom,
        PortfolioTrials = portfolio ?? o.PortfolioTrials,
        EmpiricalHandoffTrial = noHandoff ? null : handoff ?? o.EmpiricalHandoffTrial,
    };

    /// <summary>Min / median / max of values, for the verbose prior line.</summary>
    private static string Quantiles(double[] values)
    {
        double[] sorted = [.. values.Order()];
        return Invariant($"min {sorted[0]:G3}, median {sorted[sorted.Length / 2]:G3}, max {sorted[^1]:G3}");
    }

    /// <summary>
    /// Pre-trains a prior, or, with <c>--prior-cache DIR</c>, reads the one an earlier run pre-trained with the same settings for
    /// the same held-out task (<see cref="PretrainedGpPrior.ToJson"/>; pre-training is seeded, so the cache changes only the cost).
    /// </summary>
    private static PretrainedGpPrior Pretrain(List<TransferTask> sources, GpPriorPretrainingOptions options, string? cache, int heldOut, string kind)
    {
        if (cache is null)
        {
            return GpPriorPretraining.Pretrain(sources, options);
        }

        if (options.EmpiricalCovariance)
        {
            // The same prior as GpPriorPretraining.Pretrain with the option: the Adam run's prior (cached apart, shared with runs
            // without the option), then the empirical term fitted on it; the term needs shared points (none when unmatched).
            var plain = new GpPriorPretrainingOptions
            {
                MeanKind = options.MeanKind, HiddenWidth = options.HiddenWidth, KernelOnFeatures = options.KernelOnFeatures, InputDependentScale = options.InputDependentScale,
                Steps = options.Steps, LearningRate = options.LearningRate, MinibatchSize = options.MinibatchSize, KlWeight = options.KlWeight, Seed = options.Seed, MetaFeatureInput = options.MetaFeatureInput,
                EmpiricalCovariance = false, // set explicitly: with the default (true) this call would recurse until the stack overflows
            };
            PretrainedGpPrior basePrior = Pretrain(sources, plain, cache, heldOut, kind);
            if (kind != "matched" || sources.Count < options.EmpiricalCovarianceMinimumTasks)
            {
                return basePrior;
            }

            string withTerm = Path.Combine(cache, Invariant($"prior-{heldOut}-{kind}-{options.MeanKind}-w{options.HiddenWidth}-{(options.KernelOnFeatures ? "features" : "inputs")}-s{options.Steps}-lr{options.LearningRate}-b{options.MinibatchSize}-kl{options.KlWeight}-seed{options.Seed}{(options.InputDependentScale ? "-iscale" : "")}{MetaFeatureSuffix(sources, options)}-ecov{(options.EmpiricalMoments ?? kind == "matched" ? Invariant($"-exact{options.EmpiricalShrinkage}{(options.EmpiricalKernelOffSharedPointsOnly ? "-offshared" : "")}{(options.EmpiricalKernelWeight is double s ? Invariant($"-s{s}") : "")}{(options.EmpiricalMean ? "" : "-modelmean")}") : "")}.json"));
            if (File.Exists(withTerm))
            {
                return WithPortfolio(PretrainedGpPrior.FromJson(File.ReadAllText(withTerm)), sources, options);
            }

            PretrainedGpPrior augmented = GpPriorPretraining.AddEmpiricalCovariance(basePrior, sources, options);
            string temporaryTerm = withTerm + Invariant($".{Environment.ProcessId}.tmp");
            File.WriteAllText(temporaryTerm, augmented.ToJson());
            File.Move(temporaryTerm, withTerm, overwrite: true);
            return augmented;
        }

        string file = Path.Combine(cache, Invariant($"prior-{heldOut}-{kind}-{options.MeanKind}-w{options.HiddenWidth}-{(options.KernelOnFeatures ? "features" : "inputs")}-s{options.Steps}-lr{options.LearningRate}-b{options.MinibatchSize}-kl{options.KlWeight}-seed{options.Seed}{(options.InputDependentScale ? "-iscale" : "")}{MetaFeatureSuffix(sources, options)}.json"));
        if (File.Exists(file))
        {
            return WithPortfolio(PretrainedGpPrior.FromJson(File.ReadAllText(file)), sources, options);
        }

        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(sources, options);
        string temporary = file + Invariant($".{Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, prior.ToJson());
        File.Move(temporary, file, overwrite: true);
        return prior;
    }

    /// <summary>The cache-name part for a prior whose mean reads meta-features ("-mfin"), empty otherwise, so such priors never share a name with the others.</summary>
    private static string MetaFeatureSuffix(List<TransferTask> sources, GpPriorPretrainingOptions options) =>
        GpPriorPretraining.StandardizationFor(sources, options) is not null ? "-mfin" : "";

    /// <summary>A cached prior written before format 4 gets the source tasks' portfolio and raw shared values here, as pre-training computes them.</summary>
    private static PretrainedGpPrior WithPortfolio(PretrainedGpPrior prior, List<TransferTask> sources, GpPriorPretrainingOptions options) =>
        (prior.Portfolio.Count > 0 || options.PortfolioSize == 0) && prior.HasRawSharedValues ? prior : GpPriorPretraining.WithSourcePortfolio(prior, sources, options);

    private static string Line(double[] mean) => string.Join(" ", Checkpoints.Where(c => c <= mean.Length).Select(c => mean[c - 1].ToString("F4", CultureInfo.InvariantCulture)));

    private static double[] Mean(List<double[]> curves) => [.. Enumerable.Range(0, curves[0].Length).Select(i => curves.Average(c => c[i]))];

    /// <summary>Best-so-far normalized regret after each evaluation.</summary>
    private static double[] Regret(double[] loss, IEnumerable<int> evaluated)
    {
        double min = loss.Min();
        double max = loss.Max();
        double best = double.PositiveInfinity;
        var curve = new List<double>();
        foreach (int i in evaluated)
        {
            best = Math.Min(best, loss[i]);
            curve.Add((best - min) / (max - min));
        }

        return [.. curve];
    }

    /// <summary>
    /// H44's meta-feature start: the configuration minimizing Σ_u w_u R_u(x) over the sources u ≠ <paramref name="heldOut"/>, R_u the
    /// source's normalized regret, w_u = exp(−γ d_u / median d), d_u the Euclidean distance of the data sets' meta-features z-scored over
    /// the sources (population standard deviation; constant features dropped); the first on ties.
    /// </summary>
    private static int MetaFeatureStart(double[][] accuracy, double[][] metaFeatures, int heldOut, double gamma)
    {
        int[] sources = [.. Enumerable.Range(0, accuracy.Length).Where(u => u != heldOut)];
        int f = metaFeatures[0].Length;
        double[] distance = new double[sources.Length];
        for (int j = 0; j < f; j++)
        {
            double mean = sources.Average(u => metaFeatures[u][j]);
            double sd = Math.Sqrt(sources.Average(u => (metaFeatures[u][j] - mean) * (metaFeatures[u][j] - mean)));
            if (sd > 0)
            {
                double target = (metaFeatures[heldOut][j] - mean) / sd;
                for (int i = 0; i < sources.Length; i++)
                {
                    double z = (metaFeatures[sources[i]][j] - mean) / sd;
                    distance[i] += (z - target) * (z - target);
                }
            }
        }

        double[] d = [.. distance.Select(Math.Sqrt)];
        double median = CsvLoadBenchmark.Median([.. d]);
        if (!(median > 0))
        {
            throw new InvalidOperationException(Invariant($"Task {heldOut}: the median meta-feature distance to its sources is {median}; the meta-feature start needs data sets that differ in their meta-features."));
        }

        double[] w = [.. d.Select(v => Math.Exp(-gamma * v / median))];
        int n = accuracy[0].Length;
        int best = 0;
        double bestValue = double.PositiveInfinity;
        for (int x = 0; x < n; x++)
        {
            double value = 0;
            for (int i = 0; i < sources.Length; i++)
            {
                double[] a = accuracy[sources[i]];
                double range = a.Max() - a.Min();
                value += w[i] * (range > 0 ? (a.Max() - a[x]) / range : 0);
            }

            if (value < bestValue)
            {
                bestValue = value;
                best = x;
            }
        }

        return best;
    }

    /// <summary>Runs a tuner for <paramref name="budget"/> trials; <paramref name="configuration"/> maps its proposal to the configuration evaluated.</summary>
    private static List<int> Drive(ITuner tuner, Func<Parameter, int> configuration, double[] loss, int budget)
    {
        var evaluated = new List<int>();
        for (int id = 0; id < budget; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            int c = configuration(settings.Parameter);
            evaluated.Add(c);
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = loss[c], Metric = -loss[c] });
        }

        return evaluated;
    }

    /// <summary>PI under the empirical prior of the other tasks: mean and covariance of their standardized accuracies per configuration.</summary>
    private static List<int> EmpiricalPriorPi(double[][] accuracy, int heldOut, int budget)
    {
        int n = accuracy[0].Length;
        double[][] z = [.. accuracy.Where((_, o) => o != heldOut).Select(a => Standardize([.. a.Select(v => -v)]))];
        double[] mu = [.. Enumerable.Range(0, n).Select(i => z.Average(r => r[i]))];
        double[,] sigma = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = z.Sum(r => (r[i] - mu[i]) * (r[j] - mu[j])) / z.Length;
                sigma[i, j] = s;
                sigma[j, i] = s;
            }
        }

        const double noise = 0.01;
        double[] target = [.. accuracy[heldOut].Select(v => -v)];
        var observed = new List<int>();
        for (int step = 0; step < budget; step++)
        {
            double[] y = Standardize([.. observed.Select(i => target[i])], observed.Count >= 2);
            observed.Add(BestUntried(mu, sigma, observed, y, noise, (mean, sd, best) => (best - 0.01 - mean) / sd));
        }

        return observed;
    }

    /// <summary>
    /// The empirical-prior GP of the issue with stated choices (<c>--empirical-variants</c>, for the baseline's reproduction): prior
    /// mean and covariance over the 288 configurations = the other tasks' empirical mean and covariance (divisor T − 1) of their
    /// losses, raw (−accuracy, <see cref="EmpiricalSettings.Raw"/>) or each task standardized over its 288 values; the covariance
    /// shrunk towards its mean diagonal v̄: (1 − α)Σ + α v̄ I; noise and PI margin relative to v̄ (noise·v̄, margin·√v̄).
    /// The held-out task's losses enter raw in raw units; in standardized units by their own sample (mean; std from 2 points).
    /// </summary>
    private static List<int> EmpiricalPrior(double[][] accuracy, double[][] encoded, int heldOut, int budget, EmpiricalSettings settings, IReadOnlyList<int>? start = null)
    {
        int n = accuracy[0].Length;
        if (settings.LogError)
        {
            accuracy = [.. accuracy.Select(a => a.Select(v => -Math.Log(1 - v + 1e-3)).ToArray())];
        }

        double[][] z = [.. accuracy.Where((_, o) => o != heldOut).Select(a => settings.Raw ? a.Select(v => -v).ToArray() : Standardize([.. a.Select(v => -v)]))];
        double[] mu = [.. Enumerable.Range(0, n).Select(i => z.Average(r => r[i]))];
        double[,] sigma = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = z.Sum(r => (r[i] - mu[i]) * (r[j] - mu[j])) / (z.Length - 1);
                sigma[i, j] = s;
                sigma[j, i] = s;
            }
        }

        double meanVariance = Enumerable.Range(0, n).Average(i => sigma[i, i]);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double r2 = 0;
                for (int q = 0; q < encoded[i].Length; q++)
                {
                    r2 += (encoded[i][q] - encoded[j][q]) * (encoded[i][q] - encoded[j][q]);
                }

                double r = Math.Sqrt(5 * r2) / settings.LengthScale;
                double matern = (1 + r + (r * r / 3)) * Math.Exp(-r);
                sigma[i, j] = ((1 - settings.Shrink) * sigma[i, j]) + (i == j ? settings.Shrink * meanVariance : 0) + (settings.Matern * meanVariance * matern);
            }
        }

        double[][] sourceLosses = [.. accuracy.Where((_, o) => o != heldOut).Select(a => a.Select(v => -v).ToArray())];
        double[] means = [.. sourceLosses.Select(r => r.Average())];
        double[] logScales = [.. sourceLosses.Select(r => 0.5 * Math.Log(r.Sum(v => (v - r.Average()) * (v - r.Average())) / r.Length))];
        (double, double, double, double) levels = (means.Average(), Math.Sqrt(means.Sum(v => (v - means.Average()) * (v - means.Average())) / (means.Length - 1)), logScales.Average(), Math.Sqrt(logScales.Sum(v => (v - logScales.Average()) * (v - logScales.Average())) / (logScales.Length - 1)));
        double noise = settings.Noise * meanVariance;
        double margin = settings.Margin * Math.Sqrt(meanVariance);
        double[] target = [.. accuracy[heldOut].Select(v => -v)];
        var observed = new List<int>();
        // Greedy portfolio on the source tasks' normalized regrets (the library's): pick j minimizes the mean over tasks of the best regret among picks 1..j.
        List<int> portfolio = start is not null ? [.. start] : [.. GreedyPortfolio.Select(sourceLosses, settings.Portfolio)];

        for (int step = 0; step < budget; step++)
        {
            if (step < portfolio.Count)
            {
                observed.Add(portfolio[step]);
                continue;
            }

            double[] y = settings.Raw ? [.. observed.Select(i => target[i])] : settings.Affine && observed.Count >= settings.AffineFrom - 1 ? AffineMap([.. observed.Select(i => target[i])], [.. observed], mu, sigma, noise, levels) : Standardize([.. observed.Select(i => target[i])], observed.Count >= 2);
            observed.Add(BestUntried(mu, sigma, observed, y, noise, (mean, sd, best) =>
            {
                double u = (best - margin - mean) / sd;
                return settings.Acquisition switch
                {
                    "ei" => sd * ((u * NormalCdf(u)) + (Math.Exp(-0.5 * u * u) / Math.Sqrt(2 * Math.PI))),
                    "ucb" => -mean + (settings.Beta * sd),
                    _ => u,
                };
            }));
        }

        return observed;
    }

    /// <summary>
    /// The held-out task's raw losses y read in the standardized prior's units: y = m + s·z with z ~ N(μ, Σ + noise·I) at the
    /// observed points, m ~ N(mean, sd²) and ln s ~ N(mean, sd²) of the source tasks' loss means and log standard deviations
    /// (<paramref name="levels"/>); MAP of (m, ln s) on a grid; returns (y − m)/s.
    /// </summary>
    private static double[] AffineMap(double[] y, int[] observed, double[] mu, double[,] sigma, double noise, (double M, double MSd, double LogS, double LogSSd) levels)
    {
        int k = y.Length;
        if (k == 0)
        {
            return [];
        }

        double[,] chol = new double[k, k];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = sigma[observed[i], observed[j]] + (i == j ? noise : 0);
                for (int l = 0; l < j; l++)
                {
                    s -= chol[i, l] * chol[j, l];
                }

                chol[i, j] = i == j ? Math.Sqrt(Math.Max(s, 1e-12)) : s / chol[j, j];
            }
        }

        double logDet = Enumerable.Range(0, k).Sum(i => Math.Log(chol[i, i]));
        double bestValue = double.PositiveInfinity;
        (double m, double ls) best = (levels.M, levels.LogS);
        for (int a = -60; a <= 60; a++)
        {
            double m = levels.M + (a * 0.1 * levels.MSd);
            for (int b = -40; b <= 40; b++)
            {
                double ls = levels.LogS + (b * 0.1 * levels.LogSSd);
                double scale = Math.Exp(ls);
                double[] w = ForwardSolve(chol, [.. Enumerable.Range(0, k).Select(i => ((y[i] - m) / scale) - mu[observed[i]])]);
                double value = (0.5 * w.Sum(v => v * v)) + (k * ls) + logDet + (0.5 * (a * 0.1) * (a * 0.1)) + (0.5 * (b * 0.1) * (b * 0.1));
                if (value < bestValue)
                {
                    bestValue = value;
                    best = (m, ls);
                }
            }
        }

        return [.. y.Select(v => (v - best.m) / Math.Exp(best.ls))];
    }

    /// <summary>Φ(u) by erfc (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7).</summary>
    private static double NormalCdf(double u)
    {
        double x = -u / Math.Sqrt(2);
        double t = 1.0 / (1.0 + (0.5 * Math.Abs(x)));
        double[] c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        double poly = 0;
        for (int i = c.Length - 1; i >= 0; i--)
        {
            poly = c[i] + (t * poly);
        }

        double r = t * Math.Exp(-(x * x) + poly);
        double erfc = x >= 0 ? r : 2 - r;
        return 0.5 * erfc;
    }

    /// <summary>Settings of <see cref="EmpiricalPrior"/> by name: <c>+</c>-joined <c>raw</c> / <c>std</c>, <c>shrinkA</c>, <c>noiseN</c>, <c>xiM</c> (PI/EI margin), <c>pi</c> / <c>ei</c> / <c>ucbB</c>.</summary>
    private sealed record EmpiricalSettings(bool Raw, double Shrink, double Noise, double Margin, string Acquisition, double Beta, bool Affine = false, int Portfolio = 0, bool LogError = false, double Matern = 0, double LengthScale = 0.2, int AffineFrom = 1)
    {
        public static EmpiricalSettings Parse(string name)
        {
            var s = new EmpiricalSettings(true, 0.0, 0.01, 0.0, "pi", 2.0);
            foreach (string part in name.Split('+', StringSplitOptions.RemoveEmptyEntries))
            {
                s = part switch
                {
                    "raw" => s with { Raw = true },
                    "std" => s with { Raw = false },
                    "aff" => s with { Raw = false, Affine = true },
                    _ when part.StartsWith("afffrom", StringComparison.Ordinal) => s with { Raw = false, Affine = true, AffineFrom = int.Parse(part[7..], CultureInfo.InvariantCulture) },
                    "logerr" => s with { LogError = true },
                    _ when part.StartsWith("matern", StringComparison.Ordinal) => s with { Matern = double.Parse(part[6..], CultureInfo.InvariantCulture) },
                    _ when part.StartsWith("ell", StringComparison.Ordinal) => s with { LengthScale = double.Parse(part[3..], CultureInfo.InvariantCulture) },
                    _ when part.StartsWith("port", StringComparison.Ordinal) => s with { Portfolio = int.Parse(part[4..], CultureInfo.InvariantCulture) },
                    "pi" or "ei" => s with { Acquisition = part },
                    _ when part.StartsWith("ucb", StringComparison.Ordinal) => s with { Acquisition = "ucb", Beta = part.Length > 3 ? double.Parse(part[3..], CultureInfo.InvariantCulture) : 2.0 },
                    _ when part.StartsWith("shrink", StringComparison.Ordinal) => s with { Shrink = double.Parse(part[6..], CultureInfo.InvariantCulture) },
                    _ when part.StartsWith("noise", StringComparison.Ordinal) => s with { Noise = double.Parse(part[5..], CultureInfo.InvariantCulture) },
                    _ when part.StartsWith("xi", StringComparison.Ordinal) => s with { Margin = double.Parse(part[2..], CultureInfo.InvariantCulture) },
                    _ => throw new ArgumentException($"Unknown empirical-prior setting \"{part}\"; use raw, std, shrinkA, noiseN, xiM, pi, ei, ucbB joined by +."),
                };
            }

            return s;
        }
    }

    /// <summary>
    /// The untried configuration with the highest acquisition under the GP prior N(<paramref name="mu"/>, <paramref name="sigma"/>)
    /// conditioned on <paramref name="y"/> at <paramref name="observed"/> (noise variance <paramref name="noise"/>): before any
    /// observation the lowest prior mean, then <paramref name="score"/>(posterior mean, posterior sd, lowest y); the first on ties.
    /// </summary>
    private static int BestUntried(double[] mu, double[,] sigma, List<int> observed, double[] y, double noise, Func<double, double, double, double> score)
    {
        int k = observed.Count;
        double[,] chol = ObservedCholesky(sigma, observed, noise);
        double[] alpha = CholeskySolve(chol, [.. Enumerable.Range(0, k).Select(i => y[i] - mu[observed[i]])]);
        double best = k == 0 ? double.NaN : y.Min();
        int chosen = -1;
        double chosenValue = double.NegativeInfinity;
        for (int c = 0; c < mu.Length; c++)
        {
            if (observed.Contains(c))
            {
                continue;
            }

            double mean = mu[c];
            double[] kc = [.. observed.Select(o => sigma[c, o])];
            for (int i = 0; i < k; i++)
            {
                mean += kc[i] * alpha[i];
            }

            double[] v = ForwardSolve(chol, kc);
            double sd = Math.Sqrt(Math.Max(sigma[c, c] - v.Sum(x => x * x), 1e-12));
            double value = k == 0 ? -mean : score(mean, sd, best);
            if (value > chosenValue)
            {
                chosenValue = value;
                chosen = c;
            }
        }

        return chosen;
    }

    private static double[] ForwardSolve(double[,] l, double[] b)
    {
        int k = b.Length;
        double[] x = new double[k];
        for (int i = 0; i < k; i++)
        {
            double s = b[i];
            for (int j = 0; j < i; j++)
            {
                s -= l[i, j] * x[j];
            }

            x[i] = s / l[i, i];
        }

        return x;
    }

    /// <summary>The lower Cholesky factor of the prior covariance at the observed candidates plus <paramref name="noise"/> on the diagonal (pivots floored at 1e-12).</summary>
    private static double[,] ObservedCholesky(double[,] sigma, List<int> observed, double noise)
    {
        int k = observed.Count;
        double[,] chol = new double[k, k];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = sigma[observed[i], observed[j]] + (i == j ? noise : 0);
                for (int l = 0; l < j; l++)
                {
                    s -= chol[i, l] * chol[j, l];
                }

                chol[i, j] = i == j ? Math.Sqrt(Math.Max(s, 1e-12)) : s / chol[j, j];
            }
        }

        return chol;
    }

    private static double[] CholeskySolve(double[,] l, double[] b)
    {
        double[] w = ForwardSolve(l, b);
        int k = b.Length;
        double[] x = new double[k];
        for (int i = k - 1; i >= 0; i--)
        {
            double s = w[i];
            for (int j = i + 1; j < k; j++)
            {
                s -= l[j, i] * x[j];
            }

            x[i] = s / l[i, i];
        }

        return x;
    }

    private static double[] Standardize(double[] values, bool scale = true)
    {
        if (values.Length == 0)
        {
            return [];
        }

        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        return [.. values.Select(v => (v - mean) / (scale && std > 1e-12 ? std : 1.0))];
    }

    /// <summary>The SVM space as an Optuna user defines it: kernel, log C, log γ for RBF, degree for polynomial (README scales).</summary>
    private static SearchSpace SvmSpace(double[][] raw)
    {
        (double cLow, double cHigh) = (raw.Min(r => r[3]), raw.Max(r => r[3]));
        double[] gammas = [.. raw.Where(r => r[0] == 1).Select(r => r[4])];
        return new SearchSpace
        {
            ["svm"] = new ConditionalSearchSpace(
                new Dictionary<string, SearchSpace>
                {
                    ["rbf"] = new() { ["log_c"] = new UniformDoubleOption(cLow, cHigh), ["log_gamma"] = new UniformDoubleOption(gammas.Min(), gammas.Max()) },
                    ["poly"] = new() { ["log_c"] = new UniformDoubleOption(cLow, cHigh), ["degree"] = new UniformIntOption(2, 10) },
                    ["linear"] = new() { ["log_c"] = new UniformDoubleOption(cLow, cHigh) },
                },
                selectorKey: "kernel",
                defaultBranch: "rbf"),
        };
    }

    /// <summary>(kernel index, log C, log γ or log₁₀ degree) of a parameter of <see cref="SvmSpace"/>.</summary>
    private static (int Kernel, double C, double Other) FromParameter(Parameter p)
    {
        Parameter svm = p["svm"];
        string kernel = svm["kernel"].AsType<string>();
        Parameter branch = svm[kernel];
        double c = branch["log_c"].AsType<double>();
        return kernel switch
        {
            "rbf" => (0, c, branch["log_gamma"].AsType<double>()),
            "poly" => (1, c, Math.Log10(branch["degree"].AsType<int>())),
            _ => (2, c, 0.0),
        };
    }

    /// <summary>The nearest configuration of the same kernel (Euclidean in README units).</summary>
    private static int Snap(double[][] raw, (int Kernel, double C, double Other) point)
    {
        int best = -1;
        double distance = double.PositiveInfinity;
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i][point.Kernel] != 1)
            {
                continue;
            }

            double other = point.Kernel switch { 0 => raw[i][4], 1 => raw[i][5], _ => 0.0 };
            double dist = ((raw[i][3] - point.C) * (raw[i][3] - point.C)) + ((other - point.Other) * (other - point.Other));
            if (dist < distance)
            {
                distance = dist;
                best = i;
            }
        }

        return best;
    }

    private static List<int> OptunaGp(double[][] raw, double[] loss, int budget, int seed)
    {
        (double cLow, double cHigh) = (raw.Min(r => r[3]), raw.Max(r => r[3]));
        double[] gammas = [.. raw.Where(r => r[0] == 1).Select(r => r[4])];
        OptunaDimension[] dimensions =
        [
            new("kernel", 0, 2, false, OptunaDimensionKind.Categorical),
            new("log_c", cLow, cHigh, false),
            new("log_gamma", gammas.Min(), gammas.Max(), false, OptunaDimensionKind.Float, "kernel", [0]),
            new("degree", 2, 10, false, OptunaDimensionKind.Integer, "kernel", [1]),
        ];
        // 10 minutes per answer: on the loaded shared machine one GPSampler ask took over a minute (the 60 s default failed the run).
        using var peer = new OptunaAskTell("gp", seed, dimensions, timeout: TimeSpan.FromMinutes(10));
        var evaluated = new List<int>();
        for (int i = 0; i < budget; i++)
        {
            IReadOnlyDictionary<string, double> values = peer.Ask();
            int kernel = (int)Math.Round(values["kernel"]);
            double other = kernel switch { 0 => values["log_gamma"], 1 => Math.Log10(values["degree"]), _ => 0.0 };
            int c = Snap(raw, (kernel, values["log_c"], other));
            evaluated.Add(c);
            peer.Tell(loss[c]);
        }

        return evaluated;
    }

    /// <summary>Columns 2–7 min-max scaled over the configurations.</summary>
    private static double[][] Encode(double[][] raw)
    {
        int d = raw[0].Length;
        double[] low = [.. Enumerable.Range(0, d).Select(j => raw.Min(r => r[j]))];
        double[] high = [.. Enumerable.Range(0, d).Select(j => raw.Max(r => r[j]))];
        return [.. raw.Select(r => Enumerable.Range(0, d).Select(j => high[j] > low[j] ? (r[j] - low[j]) / (high[j] - low[j]) : 0.5).ToArray())];
    }

    private static (string[] Names, double[][] Configurations, double[][] Accuracy, double[][] MetaFeatures) Load(string directory)
    {
        string[] files = [.. Directory.GetFiles(directory).Where(f => !Path.GetFileName(f).Contains('.', StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        double[][]? configurations = null;
        var accuracy = new List<double[]>();
        var metaFeatures = new List<double[]>();
        foreach (string file in files)
        {
            double[][] rows = [.. File.ReadLines(file).Where(l => l.Trim().Length > 0).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
            for (int i = 0; i < rows.Length; i++)
            {
                if (rows[i].Length != 29)
                {
                    throw new InvalidDataException(Invariant($"{file}: row {i + 1} holds {rows[i].Length} numbers; the README says 29 (accuracy, 6 configuration columns, 22 meta-features)."));
                }
            }

            double[][] config = [.. rows.Select(r => r[1..7])];
            if (configurations is null)
            {
                configurations = config;
            }
            else if (config.Length != configurations.Length || config.Where((c, i) => !c.SequenceEqual(configurations[i])).Any())
            {
                throw new InvalidDataException($"{file}: its configurations (columns 2-7) differ from the first file's; the README says every task has the same 288 rows in the same order.");
            }

            accuracy.Add([.. rows.Select(r => r[0])]);
            metaFeatures.Add(rows[0][7..]);
        }

        return ([.. files.Select(Path.GetFileName)!], configurations ?? throw new InvalidDataException($"No task file in {directory}."), [.. accuracy], [.. metaFeatures]);
    }

    private static string FindData()
    {
        for (DirectoryInfo? dir = new(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "..", "shared", "data", "wistuba-svm");
            if (Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new DirectoryNotFoundException("../shared/data/wistuba-svm not found above the working directory; pass --data DIR.");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
