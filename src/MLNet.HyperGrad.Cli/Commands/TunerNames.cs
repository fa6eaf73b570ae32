using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>The one place that maps the CLI's tuner names (lowercase, matched without regard to case) to <see cref="TunerKind"/>.</summary>
internal static class TunerNames
{
    /// <summary>Every CLI name with its tuner, in the order help texts list them.</summary>
    public static readonly IReadOnlyList<(string Name, TunerKind Kind)> All =
    [
        ("random", TunerKind.Random),
        ("grid", TunerKind.Grid),
        ("gp", TunerKind.GaussianProcess),
        ("hypergradient", TunerKind.HyperGradient),
        ("meta", TunerKind.MetaGaussianProcess),
        ("learned", TunerKind.Learned),
        ("portfolio", TunerKind.Portfolio),
        ("self-tuning", TunerKind.SelfTuning),
        ("hypernetwork", TunerKind.Hypernetwork),
    ];

    /// <summary>Gets the names, comma-separated, for messages.</summary>
    public static string List => string.Join(", ", All.Select(t => t.Name));

    /// <summary>The CLI name of a tuner, as <c>--tuner</c> takes it (<c>gp</c> for <see cref="TunerKind.GaussianProcess"/>).</summary>
    /// <param name="kind">The tuner.</param>
    /// <returns>Its lowercase CLI name; the enum's name in lowercase for a tuner the CLI does not name.</returns>
    public static string NameOf(TunerKind kind)
    {
        foreach ((string name, TunerKind k) in All)
        {
            if (k == kind)
            {
                return name;
            }
        }

        return kind.ToString().ToLowerInvariant();
    }

    /// <summary>The tuner named <paramref name="text"/>: a CLI name or the enum's own name, without regard to case.</summary>
    /// <param name="text">The name given.</param>
    /// <param name="kind">The tuner, when known.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryParse(string text, out TunerKind kind)
    {
        foreach ((string name, TunerKind k) in All)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase) || string.Equals(text, k.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
