using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// An Optuna 5 study driven by ask-and-tell from C#: /usr/bin/python3 runs <c>bench/peers/optuna_ask_tell.py</c>,
/// which answers one JSON line per request over stdin/stdout, so the trials are evaluated by our own trainer.
/// </summary>
/// <remarks>
/// Lifecycle: create (starts the driver and waits for its ready line), then any number of
/// <see cref="Ask"/> each followed by one <see cref="Tell"/> or <see cref="TellFailed"/>, then dispose (closes its
/// input; the driver exits). Not thread-safe. A driver error or exit becomes an <see cref="InvalidOperationException"/>
/// carrying the driver's message and its standard error.
/// </remarks>
internal sealed class OptunaAskTell : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder standardError = new();
    private readonly TimeSpan timeout;
    private int? pending;

    /// <summary>Starts the driver.</summary>
    /// <param name="sampler">"tpe" (Optuna 5's default TPE, multivariate), "tpe-indep", "gp" (Optuna 5's GPSampler at its defaults) or "random".</param>
    /// <param name="seed">The sampler's seed.</param>
    /// <param name="space">The dimensions (float, integer or categorical), at least one.</param>
    /// <param name="driver">The driver script; null to find <c>bench/peers/optuna_ask_tell.py</c> above the program.</param>
    /// <param name="timeout">How long one answer may take; null for 60 s.</param>
    /// <exception cref="ArgumentException">The space is empty or a dimension's bounds are invalid.</exception>
    /// <exception cref="InvalidOperationException">The driver did not start or did not say it was ready.</exception>
    public OptunaAskTell(string sampler, int seed, IReadOnlyList<OptunaDimension> space, string? driver = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sampler);
        ArgumentNullException.ThrowIfNull(space);
        if (space.Count == 0)
        {
            throw new ArgumentException("The search space needs at least one dimension; got none.", nameof(space));
        }

        foreach (OptunaDimension d in space)
        {
            if (d.Problem() is string problem)
            {
                throw new ArgumentException(Invariant($"Dimension \"{d.Name}\" {problem}; got {d.TypeName} [{d.Low}, {d.High}], log {d.Log}."), nameof(space));
            }
        }

        Space = space;
        this.timeout = timeout ?? TimeSpan.FromSeconds(60);
        driver ??= FindDriver();
        string spaceJson = JsonSerializer.Serialize(space.Select(d => new { name = d.Name, low = d.Low, high = d.High, log = d.Log, type = d.TypeName, when = d.WhenName is null ? null : new { name = d.WhenName, @in = d.WhenIn } }));
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string argument in new[] { driver, "--sampler", sampler, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--space", spaceJson })
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start /usr/bin/python3 {driver}.");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (standardError)
                {
                    standardError.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        JsonNode ready = Read();
        if (ready["ready"]?.GetValue<bool>() != true)
        {
            throw Failure($"expected the ready line, got {ready.ToJsonString()}");
        }

        Version = ready["optuna"]?.GetValue<string>() ?? "?";
    }

    /// <summary>Gets the Optuna version the driver loaded.</summary>
    public string Version { get; }

    /// <summary>Gets the search space.</summary>
    public IReadOnlyList<OptunaDimension> Space { get; }

    /// <summary>Asks the sampler for the next trial's values.</summary>
    /// <returns>One value per dimension of <see cref="Space"/> that was suggested, by name (a whole number for an integer dimension, the index for a categorical one); a conditional dimension whose condition did not hold is absent.</returns>
    /// <exception cref="InvalidOperationException">The previous trial was not told, or the driver failed.</exception>
    public IReadOnlyDictionary<string, double> Ask()
    {
        if (pending is int open)
        {
            throw new InvalidOperationException(Invariant($"Trial {open} was asked but not told; call Tell or TellFailed first."));
        }

        JsonNode answer = Request(new JsonObject { ["ask"] = true });
        pending = answer["number"]?.GetValue<int>() ?? throw Failure($"an ask was answered without a trial number: {answer.ToJsonString()}");
        JsonObject values = answer["params"]?.AsObject() ?? throw Failure($"an ask was answered without params: {answer.ToJsonString()}");
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (OptunaDimension d in Space)
        {
            if (values[d.Name] is JsonNode value)
            {
                result[d.Name] = value.GetValue<double>();
            }
            else if (d.WhenName is null)
            {
                throw Failure($"trial {pending} has no value for \"{d.Name}\": {answer.ToJsonString()}");
            }
        }

        return result;
    }

    /// <summary>Tells the value of the trial last asked (smaller is better).</summary>
    /// <param name="value">A finite objective value.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite (use <see cref="TellFailed"/>).</exception>
    /// <exception cref="InvalidOperationException">No trial is open, or the driver failed.</exception>
    public void Tell(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Tell needs a finite value; a diverged trial is told with TellFailed.");
        }

        Close(new JsonObject { ["tell"] = Open(), ["value"] = value });
    }

    /// <summary>Tells that the trial last asked failed (Optuna's TrialState.FAIL, which its samplers ignore).</summary>
    /// <exception cref="InvalidOperationException">No trial is open, or the driver failed.</exception>
    public void TellFailed() => Close(new JsonObject { ["tell"] = Open(), ["failed"] = true });

    /// <summary>Closes the driver's input and waits for it to exit (killing it after 10 s).</summary>
    public void Dispose()
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // The process had already gone: nothing to close.
        }
        catch (IOException)
        {
            // Its input pipe was already broken: it has exited.
        }

        process.Dispose();
    }

    /// <summary>Finds <c>bench/peers/optuna_ask_tell.py</c> in a folder above the running program.</summary>
    /// <returns>The full path.</returns>
    /// <exception cref="FileNotFoundException">No such file above the program.</exception>
    public static string FindDriver()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "bench", "peers", "optuna_ask_tell.py");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"bench/peers/optuna_ask_tell.py not found in a folder above {AppContext.BaseDirectory}.");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private int Open() => pending ?? throw new InvalidOperationException("No trial is open: call Ask first.");

    private void Close(JsonObject request)
    {
        JsonNode answer = Request(request);
        if (answer["told"]?.GetValue<int>() != pending)
        {
            throw Failure($"expected told {pending}, got {answer.ToJsonString()}");
        }

        pending = null;
    }

    private JsonNode Request(JsonObject request)
    {
        try
        {
            process.StandardInput.WriteLine(request.ToJsonString());
            process.StandardInput.Flush();
        }
        catch (IOException e)
        {
            throw Failure($"could not send {request.ToJsonString()} ({e.Message})");
        }

        JsonNode answer = Read();
        if (answer["error"] is JsonNode error)
        {
            throw Failure($"the driver answered {request.ToJsonString()} with {error}");
        }

        return answer;
    }

    private JsonNode Read()
    {
        Task<string?> line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(timeout))
        {
            throw Failure(Invariant($"no answer within {timeout.TotalSeconds} s"));
        }

        if (line.Result is not string text)
        {
            // End of its output: let it finish exiting so that its standard error is read to the end.
            process.WaitForExit(5_000);
            throw Failure("the driver exited");
        }

        try
        {
            return JsonNode.Parse(text) ?? throw Failure("the driver printed null");
        }
        catch (JsonException)
        {
            throw Failure($"the driver printed a line that is not JSON: {text}");
        }
    }

    private InvalidOperationException Failure(string what)
    {
        string errors;
        if (process.HasExited)
        {
            process.WaitForExit();
        }

        lock (standardError)
        {
            errors = standardError.ToString().Trim();
        }

        return new InvalidOperationException($"Optuna ask-and-tell driver: {what}." + (errors.Length > 0 ? $" Its standard error: {errors}" : string.Empty));
    }
}
