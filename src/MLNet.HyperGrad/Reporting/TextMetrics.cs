namespace MLNet.HyperGrad.Reporting;

/// <summary>Estimates text widths without a font engine, so that layout can make room for labels.</summary>
internal static class TextMetrics
{
    /// <summary>The font size of tick labels and legends, in pixels.</summary>
    public const double SmallFont = 11;

    /// <summary>The font size of chart titles, in pixels.</summary>
    public const double TitleFont = 13;

    /// <summary>Estimates the width of <paramref name="text"/> in a proportional sans-serif font.</summary>
    /// <remarks>Sized for wide fonts such as DejaVu Sans (digits 0.64 em), the usual fallback on Linux, so labels rarely collide elsewhere.</remarks>
    public static double Width(string text, double fontSize = SmallFont)
    {
        double units = 0;
        foreach (char c in text)
        {
            units += c switch
            {
                'i' or 'l' or 'j' or '.' or ',' or ':' or ';' or '\'' or '|' or '!' => 0.32,
                'f' or 't' or 'r' or '(' or ')' or '[' or ']' or ' ' or '-' => 0.42,
                'm' or 'w' or 'M' or 'W' or '@' => 0.95,
                >= 'A' and <= 'Z' => 0.74,
                > '\u2E7F' => 1.0,
                _ => 0.64,
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

    /// <summary>Shortens <paramref name="text"/> by replacing its middle with an ellipsis until it fits, keeping the start and the end (which often tell categories apart).</summary>
    public static string FitMiddle(string text, double maxWidth, double fontSize = SmallFont)
    {
        if (Width(text, fontSize) <= maxWidth)
        {
            return text;
        }

        for (int kept = Math.Min(text.Length - 1, (int)(maxWidth / (0.3 * fontSize))); kept > 1; kept--)
        {
            int head = (kept + 1) / 2;
            int tail = kept - head;
            if (char.IsHighSurrogate(text[head - 1]))
            {
                head--;
            }

            if (tail > 0 && char.IsLowSurrogate(text[^tail]))
            {
                tail--;
            }

            string candidate = text[..head] + "\u2026" + text[^tail..];
            if (Width(candidate, fontSize) <= maxWidth)
            {
                return candidate;
            }
        }

        return Markup.Truncate(text, 2);
    }
}
