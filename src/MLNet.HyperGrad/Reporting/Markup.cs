using System.Text;

namespace MLNet.HyperGrad.Reporting;

/// <summary>Escapes text for XML and HTML, so that user strings (parameter names, categories, errors) cannot break the markup.</summary>
internal static class Markup
{
    /// <summary>Escapes <c>&amp; &lt; &gt; " '</c> and replaces characters XML forbids (control characters, lone surrogates) with U+FFFD.</summary>
    /// <param name="text">Any text; null is written as empty.</param>
    /// <returns>Text safe in element content and in double- or single-quoted attribute values.</returns>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        StringBuilder? builder = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            string? replacement = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ when !IsXmlChar(c) => "\uFFFD",
                _ => null,
            };

            if (replacement is null)
            {
                builder?.Append(c);
            }
            else
            {
                builder ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
                builder.Append(replacement);
            }
        }

        return builder?.ToString() ?? text;
    }

    /// <summary>Shortens text to at most <paramref name="maxLength"/> characters, ending in an ellipsis when cut (not escaped).</summary>
    public static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        int cut = Math.Max(1, maxLength - 1);
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut] + "\u2026";
    }

    /// <summary>Reports whether a character that is not part of a surrogate pair may appear in an XML 1.0 document.</summary>
    private static bool IsXmlChar(char c)
        => c is '\t' or '\n' or '\r' || (c >= 0x20 && !char.IsSurrogate(c) && c != '\uFFFE' && c != '\uFFFF');
}
