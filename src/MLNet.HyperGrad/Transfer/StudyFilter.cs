using System.Text;
using System.Text.RegularExpressions;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Transfer;

/// <summary>Chooses the earlier studies whose trials may form a transfer prior (<see cref="TransferHistory.ReadAsync"/>).</summary>
/// <remarks>
/// A filter only selects candidates: <see cref="TransferHistory"/> still rejects studies of another search space or with too few
/// complete trials, and says why. The text form (<see cref="Parse"/>, the CLI's <c>--transfer-from</c>) is a comma-separated list of
/// terms, any of which selects a study: a name (<c>iris-gp</c>), a name pattern where <c>*</c> stands for any run of characters and
/// <c>?</c> for one (<c>classification-*</c>; <c>*</c> alone takes every study), or an attribute test <c>key=value</c>, which holds
/// when the study's attribute <c>key</c>, or its identity part <c>key</c> (<see cref="StudyIdentity.AttributePrefix"/>), equals
/// <c>value</c> (<c>task=classification</c>). Names and values are compared ordinally.
/// </remarks>
public sealed class StudyFilter
{
    private readonly Func<StudyRecord, bool> predicate;

    private StudyFilter(Func<StudyRecord, bool> predicate, string description)
    {
        this.predicate = predicate;
        Description = description;
    }

    /// <summary>Gets a filter that selects every study.</summary>
    public static StudyFilter All { get; } = new(_ => true, "every study");

    /// <summary>Gets what the filter selects, for messages: <c>studies named classification-*</c>.</summary>
    public string Description { get; }

    /// <summary>A filter from a predicate of your own.</summary>
    /// <param name="predicate">Whether a study is selected; must not throw.</param>
    /// <param name="description">What it selects, for messages; not empty.</param>
    /// <returns>The filter.</returns>
    public static StudyFilter Where(Func<StudyRecord, bool> predicate, string description)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        return new StudyFilter(predicate, description);
    }

    /// <summary>Selects the studies whose name starts with a prefix.</summary>
    /// <param name="prefix">The prefix, compared ordinally; not empty.</param>
    /// <returns>The filter.</returns>
    public static StudyFilter NamePrefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return new StudyFilter(s => s.Name.StartsWith(prefix, StringComparison.Ordinal), $"studies named {prefix}*");
    }

    /// <summary>Selects the studies with an attribute, or an identity part (<see cref="StudyIdentity.AttributePrefix"/>), of this value.</summary>
    /// <param name="key">The attribute's key, or the identity part's name (<c>task</c>); not empty.</param>
    /// <param name="value">The value, compared ordinally.</param>
    /// <returns>The filter.</returns>
    public static StudyFilter Attribute(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        return new StudyFilter(
            s => (s.Attributes.TryGetValue(key, out string? v) && string.Equals(v, value, StringComparison.Ordinal))
                || (s.Attributes.TryGetValue(StudyIdentity.AttributePrefix + key, out string? identity) && string.Equals(identity, value, StringComparison.Ordinal)),
            $"studies with {key} = {value}");
    }

    /// <summary>Parses the text form of a filter (see the remarks of <see cref="StudyFilter"/>).</summary>
    /// <param name="text">Comma-separated terms: names, name patterns with <c>*</c> and <c>?</c>, or <c>key=value</c>.</param>
    /// <returns>The filter that selects a study when any term does.</returns>
    /// <exception cref="ArgumentException">The text is empty, has an empty term, or a term <c>=value</c> without a key.</exception>
    public static StudyFilter Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("Expected a study filter (study names, name patterns such as classification-*, or key=value, comma-separated), got an empty text.", nameof(text));
        }

        var terms = new List<StudyFilter>();
        foreach (string raw in text.Split(','))
        {
            string term = raw.Trim();
            if (term.Length == 0)
            {
                throw new ArgumentException($"Expected comma-separated terms in the study filter \"{text}\", got an empty term.", nameof(text));
            }

            int equals = term.IndexOf('=', StringComparison.Ordinal);
            if (equals == 0)
            {
                throw new ArgumentException($"Expected key=value in the study filter \"{text}\", got \"{term}\" without a key.", nameof(text));
            }

            terms.Add(equals > 0 ? Attribute(term[..equals].Trim(), term[(equals + 1)..].Trim()) : NamePattern(term));
        }

        return terms.Count == 1 ? terms[0] : new StudyFilter(s => terms.Any(t => t.Matches(s)), string.Join(" or ", terms.Select(t => t.Description)));
    }

    /// <summary>Whether the filter selects a study.</summary>
    /// <param name="study">The study.</param>
    /// <returns>Whether it is selected.</returns>
    public bool Matches(StudyRecord study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return predicate(study);
    }

    /// <summary>Describes the filter.</summary>
    /// <returns><see cref="Description"/>.</returns>
    public override string ToString() => Description;

    private static StudyFilter NamePattern(string pattern)
    {
        if (pattern == "*")
        {
            return All;
        }

        if (pattern.IndexOfAny(['*', '?']) < 0)
        {
            return new StudyFilter(s => string.Equals(s.Name, pattern, StringComparison.Ordinal), $"the study {pattern}");
        }

        var regex = new StringBuilder("^");
        foreach (char c in pattern)
        {
            regex.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        var compiled = new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
        return new StudyFilter(s => compiled.IsMatch(s.Name), $"studies named {pattern}");
    }
}
