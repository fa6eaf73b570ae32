using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Pruning;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// Parsers for typed flags whose errors speak the user's language: <c>--train-time: expected a whole number
/// of seconds, found "soon"</c>, never System.CommandLine's <c>expected type 'System.UInt32'</c>.
/// </summary>
internal static class CliParsers
{
    /// <summary>An option holding a whole number (range checks come later, all at once, in the settings).</summary>
    public static Option<int> WholeNumber(string name, string description, int defaultValue, string what = "a whole number") => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseWhole(result) is long value && value is >= int.MinValue and <= int.MaxValue ? (int)value : Fail<int>(result, what),
    };

    /// <summary>An option holding a whole number of seconds, 0 or more.</summary>
    public static Option<uint> Seconds(string name, string description, uint defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseWhole(result) is long value && value is >= 0 and <= uint.MaxValue ? (uint)value : Fail<uint>(result, "a whole number of seconds"),
    };

    /// <summary>An option holding an optional whole number.</summary>
    public static Option<int?> OptionalWholeNumber(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => ParseWhole(result) is long value && value is >= int.MinValue and <= int.MaxValue ? (int)value : Fail<int?>(result, "a whole number"),
    };

    /// <summary>An option holding a whole number of 0 or more as a 64-bit seed.</summary>
    public static Option<ulong> Seed(string name, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => 0UL,
        CustomParser = result => ulong.TryParse(Token(result), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) ? value : Fail<ulong>(result, "a whole number of 0 or more"),
    };

    /// <summary>An option holding a finite real number, written with a dot (<c>0.05</c>, <c>1e-4</c>).</summary>
    public static Option<double> RealNumber(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => double.TryParse(Token(result), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : Fail<double>(result, "a number such as 0.05 or 1e-4"),
    };

    /// <summary>The pruners' names on the command line, lowercase.</summary>
    public static IReadOnlyDictionary<string, PrunerKind> PrunerNames { get; } = new Dictionary<string, PrunerKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = PrunerKind.None,
        ["median"] = PrunerKind.Median,
        ["asha"] = PrunerKind.SuccessiveHalving,
        ["learning-curve"] = PrunerKind.LearningCurve,
    };

    /// <summary>The <c>--pruner</c> option: none, median, asha or learning-curve, without regard to case.</summary>
    public static Option<PrunerKind> Pruner(string name, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => PrunerKind.None,
        CustomParser = result => PrunerNames.TryGetValue(Token(result), out PrunerKind kind) ? kind : Fail<PrunerKind>(result, "one of " + string.Join(", ", PrunerNames.Keys)),
    };

    /// <summary>An option holding one of an enum's names, without regard to case.</summary>
    public static Option<T> OneOf<T>(string name, string description, T defaultValue)
        where T : struct, Enum => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string text = Token(result);
            return Enum.TryParse(text, ignoreCase: true, out T value) && Enum.IsDefined(value) && !text.Any(char.IsDigit)
                ? value
                : Fail<T>(result, "one of " + string.Join(", ", Enum.GetNames<T>()));
        },
    };

    /// <summary>The <c>--optimizer</c> option of <c>train</c>: an <see cref="Training.OptimizerKind"/> name without regard to case, or <c>lstm:FILE</c>.</summary>
    public static Option<OptimizerChoice> Optimizer(string name, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => new OptimizerChoice(Training.OptimizerKind.SgdMomentum, null),
        CustomParser = result =>
        {
            string text = Token(result);
            if (text.StartsWith("lstm:", StringComparison.OrdinalIgnoreCase))
            {
                string file = text["lstm:".Length..];
                return file.Length > 0 ? new OptimizerChoice(Training.OptimizerKind.SgdMomentum, file) : Fail<OptimizerChoice>(result, "a file after lstm:, such as lstm:optimizer.hgo");
            }

            return Enum.TryParse(text, ignoreCase: true, out Training.OptimizerKind kind) && Enum.IsDefined(kind) && !text.Any(char.IsDigit)
                ? new OptimizerChoice(kind, null)
                : Fail<OptimizerChoice>(result, "one of " + string.Join(", ", Enum.GetNames<Training.OptimizerKind>()) + " or lstm:FILE");
        },
    };

    /// <summary>An option naming a tuner (<see cref="TunerNames"/>: <c>random</c>, <c>grid</c>, <c>gp</c>), without regard to case.</summary>
    public static Option<TunerKind> Tuner(string name, string description, TunerKind defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => TunerNames.TryParse(Token(result), out TunerKind kind) ? kind : Fail<TunerKind>(result, "one of " + TunerNames.List),
    };

    /// <summary>An option that is true when given alone, or takes <c>true</c> or <c>false</c>.</summary>
    public static Option<bool> Switch(string name, string description, bool defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => result.Tokens.Count == 0 || (bool.TryParse(Token(result), out bool value) ? value : Fail<bool>(result, "true or false")),
    };

    private static long? ParseWhole(ArgumentResult result)
        => long.TryParse(Token(result), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value : null;

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;

    private static T Fail<T>(ArgumentResult result, string expected)
    {
        string option = result.Parent is OptionResult o ? o.Option.Name : "the value";
        result.AddError($"{option}: expected {expected}, found \"{Token(result)}\"");
        return default!;
    }
}
