using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using MLNet.HyperGrad.Storage;
using Spectre.Console;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// <c>hypergrad worker --storage ... --study NAME</c>: joins a study that <c>hypergrad classification|regression</c> started (typically on
/// a PostgreSQL server that several machines reach) and runs its trials, one at a time, until the study's budget is used: its
/// --max-trials counted over every worker, or the end of the time budget of the run that started it. Then it exits 0.
/// </summary>
/// <remarks>
/// A tune run records in the study (<see cref="ArgumentsAttribute"/>, <see cref="BudgetEndAttribute"/>) its own arguments, with the
/// data sets' paths made absolute, and when its budget ends; the worker runs those arguments as a worker process of that run
/// (<see cref="TuneCommand"/> with the hidden <c>--worker-until</c>): it loads the same data (the same paths must exist on its machine),
/// replays the trials the study holds into its tuner before each proposal (the tuner's view rebuilt from storage), claims trials
/// atomically and writes no outputs: the run that started the study writes them.
/// </remarks>
internal static class WorkerCommand
{
    /// <summary>The study attribute that holds the tune command's arguments, a JSON array of strings (the command's name first).</summary>
    public const string ArgumentsAttribute = "hypergrad.worker_arguments";

    /// <summary>The study attribute that holds the UTC end of the time budget of the run that last started the study (ISO 8601).</summary>
    public const string BudgetEndAttribute = "hypergrad.budget_end";

    /// <summary>Options a worker does not replay: where the study lives and its name (the worker's own), the run's outputs and its way of running trials.</summary>
    private static readonly HashSet<string> NotReplayed = new(StringComparer.Ordinal)
    {
        "--storage", "--study", "--output", "--parallelism", "--worker-processes", WorkerProcessesRun.WorkerUntilOption, "--train-time", "--package-source",
    };

    /// <summary>Options whose value is a path, made absolute so that a worker started in another folder reads the same file.</summary>
    private static readonly HashSet<string> PathOptions = new(StringComparer.Ordinal) { "--dataset", "--validation-dataset", "--test-dataset" };

    public static Command Create()
    {
        var storage = new Option<string>("--storage") { Description = "The study's storage: postgres://user:password@host:port/database (or Host=...;Database=...), or a SQLite file.", Required = true };
        var study = new Option<string>("--study") { Description = "The name of a study started by `hypergrad classification|regression --storage ... --study NAME`.", Required = true };
        var command = new Command("worker", "Join a study started by `hypergrad classification|regression` (on PostgreSQL, from any machine) and run its trials until its budget is used: its --max-trials over all workers, or the end of its time budget.")
        {
            storage, study,
        };
        command.SetAction((result, cancellationToken) => CliErrors.Guard(() => RunAsync(result.GetValue(storage)!, result.GetValue(study)!, cancellationToken)));
        return command;
    }

    /// <summary>The tune command's arguments that a worker replays (see <see cref="NotReplayed"/>), the command's name first.</summary>
    public static IReadOnlyList<string> JoinArguments(ParseResult result, string commandName)
    {
        var arguments = new List<string> { commandName };
        foreach (OptionResult option in result.CommandResult.Children.OfType<OptionResult>())
        {
            string name = option.Option.Name;
            if (option.Implicit || NotReplayed.Contains(name))
            {
                continue;
            }

            arguments.Add(name);
            foreach (Token token in option.Tokens)
            {
                bool path = PathOptions.Contains(name) && !string.Equals(token.Value, "fashion-mnist", StringComparison.OrdinalIgnoreCase);
                arguments.Add(path ? Path.GetFullPath(token.Value) : token.Value);
            }
        }

        return arguments;
    }

    /// <summary>The study attributes by which a worker joins the run: its arguments and the end of its budget; none for a run without arguments (<c>hypergrad run</c>).</summary>
    public static IReadOnlyDictionary<string, string> StudyAttributes(TuneSettings settings, DateTimeOffset budgetEnd) => settings.JoinArguments is { } arguments
        ? new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ArgumentsAttribute] = JsonSerializer.Serialize(arguments),
            [BudgetEndAttribute] = budgetEnd.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        }
        : new Dictionary<string, string>();

    private static async Task<int> RunAsync(string storage, string studyName, CancellationToken cancellationToken)
    {
        string resolved = CliStorage.IsPostgres(storage) ? storage : Path.GetFullPath(storage);
        if (!CliStorage.IsPostgres(resolved) && !File.Exists(resolved))
        {
            throw new ArgumentException($"--storage {resolved}: no such file. Give the SQLite file or the PostgreSQL database (postgres://user:password@host:port/database) of a study that `hypergrad classification|regression` started.");
        }

        StudyRecord study;
        int trialsSoFar;
        using (IStudyStorage opened = CliStorage.Open(resolved))
        {
            if (await opened.GetStudyAsync(studyName, cancellationToken) is not { } found)
            {
                IReadOnlyList<StudyRecord> studies = await opened.ListStudiesAsync(cancellationToken);
                string there = studies.Count == 0 ? "it holds no study" : "its studies: " + string.Join(", ", studies.Select(s => s.Name));
                throw new ArgumentException($"--study {studyName}: no study of that name in {CliStorage.Describe(resolved)} ({there}). Start it with `hypergrad classification|regression ... --storage ... --study {studyName}`.");
            }

            study = found;
            trialsSoFar = (await opened.GetTrialsAsync(study.Id, cancellationToken)).Count(t => t.IsFinished && t.State != TrialState.Interrupted);
        }

        if (!study.Attributes.TryGetValue(ArgumentsAttribute, out string? json) || !study.Attributes.TryGetValue(BudgetEndAttribute, out string? endText))
        {
            throw new ArgumentException($"--study {studyName}: the study records no worker arguments (it was not started by `hypergrad classification|regression` of this version, or by `hypergrad run`); start it again with `hypergrad classification|regression ... --storage ... --study {studyName}`, then join it.");
        }

        string[] arguments;
        DateTimeOffset end;
        try
        {
            arguments = JsonSerializer.Deserialize<string[]>(json) ?? [];
            end = DateTimeOffset.Parse(endText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw new ArgumentException($"--study {studyName}: its worker attributes are unreadable ({ex.Message}); start it again with `hypergrad classification|regression`.", ex);
        }

        if (arguments is not ["classification" or "regression", ..])
        {
            throw new ArgumentException($"--study {studyName}: its worker arguments do not start with classification or regression ({string.Join(' ', arguments)}).");
        }

        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        if (now >= end - TimeSpan.FromSeconds(1))
        {
            AnsiConsole.MarkupLine(Markup.Escape($"study {studyName}: its time budget ended at {end.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({trialsSoFar} trial(s) in the study); nothing to run. Rerun the command that started it to give it more time."));
            return 0;
        }

        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"worker joins study {studyName} in {CliStorage.Describe(resolved)} ({trialsSoFar} trial(s) so far): {string.Join(' ', arguments)}; until {end.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({(end - now).TotalSeconds:F0} s)")));
        Command tune = TuneCommand.Create(arguments[0] == "regression" ? Data.TaskKind.Regression : Data.TaskKind.Classification);
        ParseResult parsed = tune.Parse([.. arguments.Skip(1), "--storage", resolved, "--study", studyName, WorkerProcessesRun.WorkerUntilOption, end.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)]);
        if (parsed.Errors.Count > 0)
        {
            throw new ArgumentException($"--study {studyName}: its worker arguments do not parse here ({parsed.Errors[0].Message}): {string.Join(' ', arguments)}");
        }

        if (parsed.Action is not AsynchronousCommandLineAction action)
        {
            throw new InvalidOperationException("The tune command has no asynchronous action.");
        }

        return await action.InvokeAsync(parsed, cancellationToken);
    }
}
