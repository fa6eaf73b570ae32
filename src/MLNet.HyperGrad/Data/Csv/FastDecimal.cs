using System.Runtime.CompilerServices;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>
/// Parses the common short decimal numbers of a CSV file (<c>-12.345</c>, <c>6.02e23</c>) exactly as
/// <see cref="double.Parse(string, IFormatProvider)"/> with the invariant culture does, several times
/// faster; anything else is left to <see cref="double.TryParse(ReadOnlySpan{char}, System.Globalization.NumberStyles, IFormatProvider, out double)"/>.
/// </summary>
/// <remarks>
/// Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990):
/// when the significand has at most 15 digits it is an exact double, and so is 10^e for |e| ≤ 22;
/// one IEEE multiplication or division of two exact values is correctly rounded, which is what .NET
/// Core 3.0 and later return too. Accepted: an optional sign, digits with at most one decimal point
/// (at least one digit), and an optional exponent <c>e</c>/<c>E</c> with an optional sign and 1–3
/// digits; no spaces.
/// </remarks>
internal static class FastDecimal
{
    private const int MaxDigits = 15;

    private static readonly double[] PowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>Parses <paramref name="text"/> when it is a short plain decimal.</summary>
    /// <returns>False when the text is not in the fast path's form (it may still be a number).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = Sign(text, ref i);
        ulong significand = 0;
        int digits = 0;
        int significant = 0;
        int scale = 0;
        bool point = false;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if ((uint)(c - '0') <= 9)
            {
                digits++;
                if (significand != 0 || c != '0')
                {
                    if (++significant > MaxDigits)
                    {
                        return false;
                    }

                    significand = (significand * 10) + (uint)(c - '0');
                }

                if (point)
                {
                    scale--;
                }
            }
            else if (c == '.' && !point)
            {
                point = true;
            }
            else
            {
                break;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < text.Length)
        {
            if (text[i] is not ('e' or 'E') || !TryExponent(text[(i + 1)..], out int exponent))
            {
                return false;
            }

            scale += exponent;
        }

        double magnitude = significand;
        if (significand != 0)
        {
            if (scale < -22 || scale > 22)
            {
                return false;
            }

            magnitude = scale < 0 ? magnitude / PowersOfTen[-scale] : magnitude * PowersOfTen[scale];
        }

        value = negative ? -magnitude : magnitude;
        return true;
    }

    private static bool TryExponent(ReadOnlySpan<char> text, out int exponent)
    {
        exponent = 0;
        int i = 0;
        bool negative = Sign(text, ref i);
        int start = i;
        for (; i < text.Length; i++)
        {
            if ((uint)(text[i] - '0') > 9 || i - start == 3)
            {
                return false;
            }

            exponent = (exponent * 10) + (text[i] - '0');
        }

        if (i == start)
        {
            return false;
        }

        exponent = negative ? -exponent : exponent;
        return true;
    }

    /// <summary>Skips an optional leading sign.</summary>
    /// <returns>Whether it is a minus.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Sign(ReadOnlySpan<char> text, ref int i)
    {
        if (i < text.Length && text[i] is '+' or '-')
        {
            return text[i++] == '-';
        }

        return false;
    }
}
