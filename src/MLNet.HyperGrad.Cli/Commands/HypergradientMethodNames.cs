using System.CommandLine;
using MLNet.HyperGrad.Hypergradients;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>The one place that maps <c>--hypergradient-method</c> names to <see cref="HypergradientMethodKind"/>.</summary>
internal static class HypergradientMethodNames
{
    /// <summary>The names, in the order help lists them, with their methods.</summary>
    public static IReadOnlyList<(string Name, HypergradientMethodKind Kind)> All { get; } =
    [
        ("exact-reversal", HypergradientMethodKind.ExactReversal),
        ("checkpointed", HypergradientMethodKind.Checkpointed),
        ("drmad", HypergradientMethodKind.DrMad),
        ("implicit", HypergradientMethodKind.Implicit),
        ("neumann", HypergradientMethodKind.ImplicitNeumann),
        ("greedy", HypergradientMethodKind.Greedy),
    ];

    /// <summary>The method of a name, without regard to case, or null.</summary>
    public static HypergradientMethodKind? Parse(string text) =>
        All.FirstOrDefault(m => string.Equals(m.Name, text.Trim(), StringComparison.OrdinalIgnoreCase)) is { Name: not null } found ? found.Kind : null;

    /// <summary>The name of a method.</summary>
    public static string NameOf(HypergradientMethodKind kind) => All.First(m => m.Kind == kind).Name;

    /// <summary>The <c>--hypergradient-method</c> option: null when not given.</summary>
    public static Option<HypergradientMethodKind?> Option() => new("--hypergradient-method")
    {
        Description = "With --tuner hypergradient: how the validation loss is differentiated through training: " + string.Join(", ", All.Select(m => m.Name)) + " (default: checkpointed).",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
            if (Parse(text) is { } kind)
            {
                return kind;
            }

            result.AddError($"--hypergradient-method: expected one of {string.Join(", ", All.Select(m => m.Name))}, found \"{text}\"");
            return null;
        },
    };
}
