using System.Globalization;
using System.Text;

namespace MLNet.HyperGrad.Outputs;

/// <summary>C# identifiers and string literals for generated code.</summary>
internal static class CSharpNames
{
    /// <summary>A C# identifier for a name: letters, digits and underscores kept, anything else an underscore, a leading digit prefixed with one.</summary>
    public static string Identifier(string name)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (char c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        return text.ToString();
    }

    /// <summary>A property name for a column, capitalized, distinct from every name in <paramref name="used"/> (which it joins).</summary>
    public static string Property(string column, HashSet<string> used)
    {
        string id = Identifier(column);
        string name = char.IsAsciiLetterLower(id[0]) ? char.ToUpperInvariant(id[0]) + id[1..] : id;
        string unique = name;
        for (int i = 2; !used.Add(unique); i++)
        {
            unique = name + i.ToString(CultureInfo.InvariantCulture);
        }

        return unique;
    }

    /// <summary>A C# string literal (quoted, escaped) for a text.</summary>
    public static string Literal(string text)
    {
        var literal = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => c.ToString(),
            });
        }

        return literal.Append('"').ToString();
    }
}
