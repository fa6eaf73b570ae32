// Benchmarks of MLNet.HyperGrad against peers measured in the same run.
//   mlp-epoch [--repeats 7] [--peer <path to pytorch_mlp_epoch.py>] [--quiet 0.15] [--max-wait 120] [--max-others 0.25]
//   step-profile [--shape 0|1|tiny] [--chunks 30] [--steps 40] [--only <variant>]   (where a step's time goes)
// Prints one line per measurement and, last, `throughput ratio vs torchsharp nn: <min ratio>` and
// `throughput ratio vs pytorch: <min ratio>` (minimum over shapes of the median paired ratio).
//   csv-load [--repeats 7] [--rows 200000] [--columns 50] [--keep]
// Prints one line per repeat and, last, `csv load ratio vs pandas: <our time / pandas time>`.
//   parallel-trials [--repeats 2] [--train-time 20] [--max-epochs N (default: the CLI's)] [--with-active] [--cli <hypergrad.dll>]
// Prints one line per run and, last, `default parallelism trials per minute: <x> (best setting <name>: <y>)`.
//   trainer-families [--trials 10] [--family-time 40] [--seed 1] [--trainers lightgbm,sdca,...]
// Prints a Markdown table: per data set (digits, breast_cancer, diabetes) and trainer family, the best validation and the test metric.
//   hypergrad-core [--summary FILE] [--quick] [--only correctness,reverse,hoag,pixel,holdout,cost,greedy-region] [--hoag-outer hoag,adam] [--hoag-steps 15] [--greedy-steps 1000] [--greedy-adam-rate 0.05] [--greedy-region-arms 1:0.05,4:0.05] [--greedy-region-gradient true|false] [--holdout-steps 15] [--grid-optimum X] [--grid-theta T] [--threads N] [--repeats 10] [--cost-repeats 3] [--greedy-interval 4] [--outer-steps 50]
// Issue 9's hypergradient figures on the fixed Fashion-MNIST split (tables per part), ending with five lines:
// `hypergradient max relative error vs finite differences: ...`, `exact reversal bit-exact: ...`, `hoag validation CE ...`,
// `rmad validation CE after 50 outer steps: ...`, `cost relative to one training run: ...`; --summary FILE appends them to FILE.
// `bash bench/run.sh hypergrad` runs hypergrad-core, hypergrad-elbo and hypergrad-many with one summary file and prints it last
// (variational line, the five lines, the many-hyperparameters line); a subcommand this build does not know is skipped with a message.
//   pruning [--rows 8000] [--epochs 15] [--trials 24] [--seed 1] [--repeats 1] [--threads N] [--arms none,median,learning-curve] [--curves FILE] [--breakdown] [--trial-log FILE] [--replay] [--judged loss|error]
// Fashion-MNIST MLP random search without a pruner, with the median and with the learning-curve pruner; prints, last,
// `pruning (learning-curve) saved <p>% of training time; best accuracy change <d> points`; per arm also the CPU time of the
// pruner's decisions and of a training epoch; --curves FILE writes the no-pruner arm's curves.
// --breakdown splits each arm's trial wall time into set-up, training, evaluation, between-epoch gaps, pruner and teardown;
// --trial-log FILE writes every arm's trials (state, epochs, accuracy, last validation loss) of the first repeat;
// --replay replays both pruners over the no-pruner curves judging the loss and judging the error 1 - accuracy;
// --judged error makes the runner report (and the pruners judge) the validation error instead of the loss.
//   pruning-cost [--curves FILE (default: the tests' recorded Fashion-MNIST curves)] [--repeats 5]
// The learning-curve pruner's decisions replayed over recorded curves, timed by thread CPU; prints, last,
// `learning-curve pruner CPU per decision: <ms> ms (median of N; repeat 1 <ms> ms); <d> decisions, <k> pruned, <e> epochs trained of <total>`.
//   hypergrad-elbo [--steps 200] [--batch 100] [--outer-rows 200] [--implicit-train 1000] [--implicit-steps 4] [--random-trials N] [--summary FILE]
// Variational criterion (issue 9): per-weight prior precisions of an MLP 784-300-10 tuned on the negative ELBO by greedy, implicit and random search;
// prints a Markdown table and, last, `variational criterion: greedy ELBO <a>, implicit ELBO <b>, random ELBO <c>; accuracy under noise ...` (also appended to FILE).
//   hypergrad-many [--quick] [--runs 50] [--steps 100] [--batch 200] [--seeds 3] [--rows 10000] [--method exact|checkpointed] [--outer-lr 0.1] [--backtrack 0.01] [--l2 unit|weight] [--threads N] [--summary FILE]
// Issue 9's claim: 1,086 hyperparameters (per-step learning rate and momentum, per-input-unit L2, init scales) tuned by gradient vs random search and Optuna TPE on the 4 globals, N training runs each;
// prints a table and, last, `many hyperparameters at equal training runs: gradient <a>, random <b>, tpe <c>` (appended to FILE too).
//   bo [--trials 50] [--seeds 10] [--functions branin,hartmann6,rosenbrock4,ackley5] [--long-trials 200] [--long-function hartmann6] [--timing-seeds 2] [--peer <optuna_peer.py>] [--no-peers] [--warping none|log|quantile|power] [--acquisition logexpectedimprovement|hedge|...] [--global (trust region off)]
// Prints a table of median simple regret (ours GP, Optuna GPSampler, Optuna TPE) and, last,
// `gp regret wins vs optuna gp: <k>/4` and `gp proposal ms at 50 / 200 trials: <a> / <b> (optuna gp at 50: <c>)`.
//   bo-real [--seeds 5] [--trials 50] [--tasks fashion-mnist,breast_cancer,wine,digits] [--rows 10000] [--epochs 3] [--max-trees 500] [--threads N] [--first-seed 0] [--no-peers] [--tuners gp,random,...] [--quick]
// Real tuning: our GP tuner vs random search vs Optuna GPSampler and TPE (ask-and-tell), all evaluating with our runners
// (Fashion-MNIST MLP; LightGBM on scikit-learn tables); per task the median (range) best validation metric after 20 and N
// trials; last line `gp vs random at 20 trials: <k>/<m> tasks better (median best validation metric)`.
//   transfer-real [--tables iris,wine,breast_cancer,digits] [--seeds 2] [--first-seed 0] [--trials 30] [--source-trials 20] [--max-trees 200] [--keep] [--mean constant|linear|mlp] [--startup N] [--no-centre] [--empirical-cov true|false]
// The user's own history as the prior (issue 11): every table tuned and stored (LightGBM, validation log-loss), then each tuned again by
// the single-task GP tuner and by the meta tuner pre-trained on the OTHER tables' studies (TransferFrom); a table of best log-loss after
// 1..30 trials and, last, `transfer-real: meta reaches the single-task gp's N-trial log-loss in a median of K trials (...)`.
//   transfer-fashion [--rows 1000] [--epochs 2] [--sources 3] [--source-trials 20] [--trials 30] [--seeds 3] [--first-seed 0] [--mean constant|linear|mlp] [--startup N] [--no-centre]
// The same for Fashion-MNIST MLPs (issue 11): studies on disjoint image subsets 1..S stored, subset 0 tuned by the single-task GP
// tuner and by the meta tuner (TransferFrom); a table of best validation accuracy after 1..30 trials and, last,
// `transfer-fashion: meta reaches the single-task gp's N-trial accuracy in a median of K trials (...)`.
//   hypergrad-profile [--steps 100] [--repeats 3] [--threads N]
// Where reverse mode's time goes against one plain training run (MLP 784-50-10 tanh, batch 200): a table of phase times.
//   transfer [--tasks 50] [--first-task 0] [--budget 30] [--random-seeds 10] [--steps N] [--mean constant|linear|mlp] [--kl W] [--features] [--input-scale true|false] [--empirical-cov true|false] [--methods random,gp,empirical,meta,meta-unmatched,gp-space,optuna-gp] [--data DIR]
// Issue 11 (HyperBO transfer) on ../shared/data/wistuba-svm: leave one task out, pre-train on the other 49, tune the held-out one;
// a Markdown table of mean normalized regret at 1, 3, 5, 10, 20, 30 and, last, `meta regret r1 r3 r5 r10 r20 r30: ...` and
// `single-task gp regret r1 r3 r5 r10 r20 r30: ...`.
//   learned-lstm [--episodes 100] [--episode-steps 100] [--unroll 20] [--meta-lr 0.003] [--seed 0] [--load FILE | --save FILE] [--meta-only] [--inits 20] [--steps 100] [--tasks main,relu,200-steps,wider,deeper] [--adam-grid a,b,...] [--sgd-grid a,b,...] [--cost-repeats 5] [--threads N] [--summary FILE]
// Issue 12's coordinatewise LSTM optimizer on Fashion-MNIST (784-20-10 sigmoid, batch 128): meta-training (or --load), a table of
// mean training loss against tuned Adam and SGD with transfers, the cost, and, last, `lstm optimizer loss at step 100: <x> (tuned adam <y>, sgd <z>)`.
//   learned-bo [--load shipped|FILE | --episodes 2000 --batch 128 --unroll 10 --meta-lr 0.003 --final-lr-fraction 0.1 --ls-min 0.2 --ls-max 1 --seed 33 --hidden 32 --design shrinking|original|relative|relative-shrinking --dim-weights 1,1,1,2,2,2|uniform (uniform when --min-dim or --max-dim is given) --min-dim 1 --max-dim 6 --save FILE] [--threads 1] [--trials 50] [--seeds 10] [--functions ...] [--gen-functions 64] [--gen-seed 1000] [--gen-ls-min 0.2 --gen-ls-max 1] [--no-generalization] [--meta-only] [--no-peers] [--no-gp]
// Issue 14's learned black-box tuner (Chen et al. 2017): meta-training cost, generalization over dimensions on held-out GP functions,
// then median regret on Branin, Hartmann-6, Rosenbrock-4, Ackley-5 against our GP tuner, the portfolio, Optuna GPSampler and TPE; last line
// `learned tuner wins vs optuna tpe: <k>/4; proposal ms <x> (gp tuner <y>)`.
//   learned-self-tuning [--epochs 30] [--rows 10000] [--threads N] [--seed 0] [--lr 0.001] [--batch 128] [--grid 0,0.1,0.2,0.3,0.5] [--only stn|fixed] [--hyper-lr 0.03] [--train-steps 5] [--val-steps 1] [--tau 0.001] [--init-dropout 0.5] [--init-l2 1e-4] [--scale 0.5] [--warmup 1] [--temperature 0.1] [--no-l2] [--summary FILE]
// Issue 12's Self-Tuning Network (MacKay et al. 2019) on Fashion-MNIST (784-256-256-10, per-layer dropout and L2 tuned online) against
// fixed dropout from the grid, all trained the same epochs; prints the learned schedule and, last, `self-tuning dropout validation CE: <x> (best fixed <y>)`.
//   learned-hypernetwork [--steps 10000] [--samples 2] [--hidden 16] [--lr 0.01] [--batch 500] [--min -11] [--max -1] [--start -2] [--lambda-steps 300] [--lambda-lr 0.1] [--local-warmup 300] [--local-steps 20] [--local-scale 0.5] [--grid-min -10] [--grid-max -2] [--grid-step 0.5] [--grid-tolerance 1e-4] [--grid-optimum Y] [--only grid,global,local,complexity,probe] [--raw-inputs] [--probe-steps 2000] [--probe-thetas -9,-8,-7] [--threads N] [--summary FILE]
//     (complexity section, also alone as `learned-complexity`: [--complexity-rows 10000] [--complexity-test 10000] [--complexity-hidden 50] [--complexity-steps 1500] [--complexity-lambdas 0.01,0.1,1,10] [--complexity-plot FILE.svg] [--threads N])
// Issue 12's hypernetworks on Fashion-MNIST softmax regression with one log-L2 θ: the grid optimum, the global best-response hypernetwork and
// the local/joint version (tables of θ steps and the predicted curve), complexity control through a hypernetwork (accuracy vs fraction of
// parameters kept after pruning by |μ|/σ, hypernetwork vs separately trained models, per KL weight λ), and, last, `hypernetwork argmin log-l2: <x> (grid optimum <y>)`.
//   workers [--storage postgres://...] [--trials 100] [--workers 1,2,4] [--sleep-ms 2] [--repeats 1] [--no-peers] [--peer <optuna_workers.py>]
// Issue 13's load: 1, 2, 4 worker processes (`workers-child`) on one PostgreSQL study against Optuna 5's RDB storage on the same server
// (bench/peers/optuna_workers.py); a table of trials/s and storage overhead per trial and, last,
// `storage overhead per trial ms: ours <a>, optuna <b>; lost <l>, duplicated <d>`. `bash bench/run.sh workers` starts a throwaway server.
//   scalar-stress [--path operators|held|library] [--seconds 60] [--threads 2] [--collectors 1]
// Reproducer of TorchSharp's Scalar-finalization crash (issue 11): small scalar ops on worker threads under forced garbage
// collections; `operators` (plain TorchSharp operators with numbers) crashes the process, `held` (HeldScalars) and `library`
// (Matern52Kernel) must run to the end: last line `scalar-stress <path>: N iterations in T s, 0 wrong, no crash`, exit 0.
using MLNet.HyperGrad.Bench;

string command = args.Length > 0 ? args[0] : "mlp-epoch";
return command switch
{
    "mlp-epoch" => MlpEpochBenchmark.Run(args.Skip(1).ToArray()),
    "step-profile" => StepProfile.Run(args.Skip(1).ToArray()),
    "csv-load" => CsvLoadBenchmark.Run(args.Skip(1).ToArray()),
    "csv-load-child" => CsvLoadBenchmark.Child(args.Skip(1).ToArray()),
    "parallel-trials" => ParallelTrialsBenchmark.Run(args.Skip(1).ToArray()),
    "trainer-families" => TrainerFamiliesBenchmark.Run(args.Skip(1).ToArray()),
    "hypergrad-core" => HypergradCoreBenchmark.Run(args.Skip(1).ToArray()),
    "pruning" => PruningBenchmark.Run(args.Skip(1).ToArray()),
    "pruning-cost" => PruningCostBenchmark.Run(args.Skip(1).ToArray()),
    "hypergrad-elbo" => HypergradElboBenchmark.Run(args.Skip(1).ToArray()),
    "hypergrad-many" => HypergradManyBenchmark.Run(args.Skip(1).ToArray()),
    "bo" => BayesianOptimizationBenchmark.Run(args.Skip(1).ToArray()),
    "bo-real" => RealTuningBenchmark.Run(args.Skip(1).ToArray()),
    "hypergrad-profile" => HypergradProfile.Run(args.Skip(1).ToArray()),
    "transfer" => TransferBenchmark.Run(args.Skip(1).ToArray()),
    "transfer-real" => TransferRealBenchmark.Run(args.Skip(1).ToArray()),
    "transfer-fashion" => TransferFashionBenchmark.Run(args.Skip(1).ToArray()),
    "learned-lstm" => LearnedLstmBenchmark.Run(args.Skip(1).ToArray()),
    "learned-bo" => LearnedBlackBoxBenchmark.Run(args.Skip(1).ToArray()),
    "learned-self-tuning" => LearnedSelfTuningBenchmark.Run(args.Skip(1).ToArray()),
    "learned-hypernetwork" => LearnedHypernetworkBenchmark.Run(args.Skip(1).ToArray()),
    "learned-complexity" => LearnedComplexityBenchmark.Run(args.Skip(1).ToArray()),
    "workers" => WorkersBenchmark.Run(args.Skip(1).ToArray()),
    "workers-child" => WorkersBenchmark.Child(args.Skip(1).ToArray()),
    "scalar-stress" => ScalarStressBenchmark.Run(args.Skip(1).ToArray()),
    _ => Usage(command),
};

static int Usage(string command)
{
    Console.Error.WriteLine($"unknown benchmark \"{command}\"; available: mlp-epoch, step-profile, csv-load, parallel-trials, trainer-families, hypergrad-core, hypergrad-elbo, hypergrad-many, hypergrad-profile, pruning, pruning-cost, bo, bo-real, transfer, transfer-real, transfer-fashion, learned-lstm, learned-bo, learned-self-tuning, learned-hypernetwork, learned-complexity, workers, scalar-stress");
    return 2;
}
