namespace MLNet.HyperGrad.Tuners;

/// <summary>Finds an encoded point among a finite set (candidates, or points shared by earlier tasks) by its coordinates.</summary>
internal static class PointIndex
{
    /// <summary>The tolerance per coordinate: encodings in the unit cube that differ by less are the same configuration.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>The index of the first point equal to <paramref name="x"/> within <see cref="Tolerance"/> in every coordinate, or null.</summary>
    /// <param name="points">The points, each of the same length as <paramref name="x"/> to match.</param>
    /// <param name="x">The point sought.</param>
    /// <returns>Its index, or null when no point matches.</returns>
    public static int? Of(double[][] points, double[] x)
    {
        for (int i = 0; i < points.Length; i++)
        {
            double[] p = points[i];
            bool same = p.Length == x.Length;
            for (int j = 0; j < p.Length && same; j++)
            {
                same = Math.Abs(p[j] - x[j]) <= Tolerance;
            }

            if (same)
            {
                return i;
            }
        }

        return null;
    }
}
