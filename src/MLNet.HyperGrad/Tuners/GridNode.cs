using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tuners;

/// <summary>The grid of an option, laid out in its slots: a product over a search space's options and over an option's slots, a sum over a conditional space's branches.</summary>
/// <remarks>
/// Points are numbered from 0 to <see cref="Count"/> - 1 without being stored: a product numbers its
/// parts in row-major order (the last part varies fastest), a sum numbers its branches' grids one after
/// the other. Counts saturate at <see cref="long.MaxValue"/>.
/// </remarks>
internal abstract class GridNode
{
    /// <summary>Gets the number of slots the node fills.</summary>
    public abstract int Dim { get; }

    /// <summary>Gets the number of grid points.</summary>
    public abstract long Count { get; }

    /// <summary>Builds the grid of an option.</summary>
    /// <param name="option">The option, search space or conditional search space.</param>
    /// <param name="steps">Values per continuous slot.</param>
    /// <returns>The grid.</returns>
    public static GridNode For(OptionBase option, int steps) => option switch
    {
        SearchSpace space => new Product([.. space.Values.Select(o => For(o, steps))]),
        ConditionalSearchSpace conditional => new Sum(conditional, [.. conditional.BranchNames.Select(b => For(conditional.Branches[b], steps))]),
        _ => new Product([.. option.Step.Select(levels => (GridNode)new Axis(levels, steps))]),
    };

    /// <summary>Writes point <paramref name="index"/> into <paramref name="point"/> from <paramref name="offset"/>.</summary>
    public abstract void Fill(long index, double[] point, int offset);

    /// <summary>The index of the grid point nearest to a feature vector's slots from <paramref name="offset"/>.</summary>
    public abstract long IndexOf(double[] features, int offset);

    private static long Multiply(long a, long b) => b != 0 && a > long.MaxValue / b ? long.MaxValue : a * b;

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>One slot: the bin centres of a discrete slot, or evenly spaced values from 0 to 1 for a continuous one.</summary>
    private sealed class Axis(int? levels, int steps) : GridNode
    {
        private readonly double[] values = levels is int k
            ? [.. Enumerable.Range(0, k).Select(j => (j + 0.5) / k)]
            : [.. Enumerable.Range(0, steps).Select(j => (double)j / (steps - 1))];

        public override int Dim => 1;

        public override long Count => values.Length;

        public override void Fill(long index, double[] point, int offset) => point[offset] = values[index];

        public override long IndexOf(double[] features, int offset)
        {
            int nearest = 0;
            for (int j = 1; j < values.Length; j++)
            {
                if (Math.Abs(values[j] - features[offset]) < Math.Abs(values[nearest] - features[offset]))
                {
                    nearest = j;
                }
            }

            return nearest;
        }
    }

    /// <summary>Every combination of its parts' points.</summary>
    private sealed class Product : GridNode
    {
        private readonly GridNode[] parts;

        public Product(GridNode[] parts)
        {
            this.parts = parts;
            Dim = parts.Sum(p => p.Dim);
            Count = parts.Aggregate(1L, (n, p) => Multiply(n, p.Count));
        }

        public override int Dim { get; }

        public override long Count { get; }

        public override void Fill(long index, double[] point, int offset)
        {
            int end = offset + Dim;
            for (int i = parts.Length - 1; i >= 0; i--)
            {
                end -= parts[i].Dim;
                long n = parts[i].Count;
                parts[i].Fill(index % n, point, end);
                index /= n;
            }
        }

        public override long IndexOf(double[] features, int offset)
        {
            long index = 0;
            foreach (GridNode part in parts)
            {
                index = Add(Multiply(index, part.Count), part.IndexOf(features, offset));
                offset += part.Dim;
            }

            return index;
        }
    }

    /// <summary>The branches' grids one after the other, each with the selector at its branch and the other branches at their defaults.</summary>
    private sealed class Sum : GridNode
    {
        private readonly ConditionalSearchSpace space;
        private readonly GridNode[] branches;
        private readonly long[] starts;

        public Sum(ConditionalSearchSpace space, GridNode[] branches)
        {
            this.space = space;
            this.branches = branches;
            starts = new long[branches.Length];
            long count = 0;
            for (int i = 0; i < branches.Length; i++)
            {
                starts[i] = count;
                count = Add(count, branches[i].Count);
            }

            Count = count;
            Dim = space.FeatureSpaceDim;
        }

        public override int Dim { get; }

        public override long Count { get; }

        public override void Fill(long index, double[] point, int offset)
        {
            // Every branch has at least one point (an empty space has one, the empty product), so the starts increase strictly.
            int level = Array.BinarySearch(starts, index);
            if (level < 0)
            {
                level = ~level - 1;
            }

            // The default encoding of the branch: selector at its bin centre, every inactive branch at its default.
            double[] template = space.Default;
            if (space.SelectorDim == 1)
            {
                template[0] = (level + 0.5) / branches.Length;
            }

            template.CopyTo(point, offset);
            branches[level].Fill(index - starts[level], point, offset + space.BranchOffset(level));
        }

        public override long IndexOf(double[] features, int offset)
        {
            int level = space.SelectLevel(features[offset..(offset + Dim)]);
            return Add(starts[level], branches[level].IndexOf(features, offset + space.BranchOffset(level)));
        }
    }
}
