// Benchmarks of MLNet.HyperGrad against peers measured in the same run.
//   mlp-epoch [--repeats 3] [--peer <path to pytorch_mlp_epoch.py>]
// Prints one line per measurement and, last, `throughput ratio vs pytorch: <min ratio>`.
//   csv-load [--repeats 7] [--rows 200000] [--columns 50] [--keep]
// Prints one line per repeat and, last, `csv load ratio vs pandas: <our time / pandas time>`.
using MLNet.HyperGrad.Bench;

string command = args.Length > 0 ? args[0] : "mlp-epoch";
return command switch
{
    "mlp-epoch" => MlpEpochBenchmark.Run(args.Skip(1).ToArray()),
    "csv-load" => CsvLoadBenchmark.Run(args.Skip(1).ToArray()),
    "csv-load-child" => CsvLoadBenchmark.Child(args.Skip(1).ToArray()),
    _ => Usage(command),
};

static int Usage(string command)
{
    Console.Error.WriteLine($"unknown benchmark \"{command}\"; available: mlp-epoch, csv-load");
    return 2;
}
