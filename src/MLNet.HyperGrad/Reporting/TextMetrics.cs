namespace MLNet.HyperGrad.Reporting;

/// <summary>Estimates text widths without a font engine, so that layout can make room for labels.</summary>
internal static class TextMetrics
{
    /// <summary>The font size of tick labels and legends, in pixels.</summary>
    public const double SmallFont = 11;

    /// <summary>The font size of chart titles, in pixels.</summary>
    public const double TitleFont = 13;

    /// <summary>Estimates the width of <paramref name="text"/> in a proportional sans-serif font (generous, so labels rarely collide).</summary>
    public static double Width(string text, double fontSize = SmallFont)
    {
        double units = 0;
        foreach (char c in text)
        {
            units += c switch
            {
                'i' or 'l' or 'j' or '.' or ',' or ':' or ';' or '\'' or '|' or '!' => 0.3,
                'f' or 't' or 'r' or '(' or ')' or '[' or ']' or ' ' or '-' => 0.4,
                'm' or 'w' or 'M' or 'W' or '@' => 0.9,
                >= 'A' and <= 'Z' => 0.68,
                > '\u2E7F' => 1.0,
                _ => 0.58,
            };
        }

        return units * fontSize;
    }

    /// <summary>Shortens <paramref name="text"/> with an ellipsis until its estimated width fits <paramref name="maxWidth"/>.</summary>
    public static string Fit(string text, double maxWidth, double fontSize = SmallFont)
    {
        if (Width(text, fontSize) <= maxWidth)
        {
            return text;
        }

        int length = Math.Min(text.Length, (int)(maxWidth / (0.3 * fontSize)) + 1);
        while (length > 1 && Width(Markup.Truncate(text, length), fontSize) > maxWidth)
        {
            length--;
        }

        return Markup.Truncate(text, length);
    }
}
