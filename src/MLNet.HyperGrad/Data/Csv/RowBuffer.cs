using System.Globalization;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>
/// Rows of a fixed width appended into one row-major array, sized once from an upper bound on the
/// rows so that reading a file never copies it; grows (by copying) only past that bound.
/// </summary>
/// <remarks>
/// The array is allocated uninitialized: memory past the rows written is never touched, so a
/// generous bound costs address space, not resident memory. Callers write every element of a row
/// they keep.
/// </remarks>
internal sealed class RowBuffer<T>
    where T : unmanaged
{
    private T[] items;

    public RowBuffer(int width, long expectedRows, string path)
    {
        Width = width;
        Path = path;
        long fits = Array.MaxLength / Math.Max(width, 1);
        items = GC.AllocateUninitializedArray<T>(Length(Math.Clamp(expectedRows, 1, fits)));
    }

    public int Width { get; }

    public string Path { get; }

    /// <summary>Gets the number of rows appended.</summary>
    public int Rows { get; private set; }

    /// <summary>Gets the backing array; its first <see cref="Rows"/> × <see cref="Width"/> elements are the rows.</summary>
    public T[] Items => items;

    /// <summary>Appends a row and returns it for the caller to fill.</summary>
    public Span<T> Append()
    {
        long end = (long)(Rows + 1) * Width;
        if (end > items.Length)
        {
            T[] larger = GC.AllocateUninitializedArray<T>(Length(Math.Max(Rows + 1, (long)Rows * 2)));
            items.AsSpan(0, Rows * Width).CopyTo(larger);
            items = larger;
        }

        Rows++;
        return items.AsSpan((Rows - 1) * Width, Width);
    }

    /// <summary>Removes the last row appended (a row dropped after it was started).</summary>
    public void RemoveLast() => Rows--;

    /// <summary>Gets one row.</summary>
    public Span<T> Row(int row) => items.AsSpan(row * Width, Width);

    /// <summary>Gets the rows appended, as one span.</summary>
    public Span<T> Written => items.AsSpan(0, Rows * Width);

    /// <summary>Copies the rows appended into an array of exactly their length.</summary>
    public T[] ToArray() => Written.ToArray();

    private int Length(long rows)
    {
        long length = rows * Math.Max(Width, 1);
        if (length > Array.MaxLength)
        {
            throw new DatasetFormatException(
                string.Create(CultureInfo.InvariantCulture, $"expected at most {Array.MaxLength} values in memory, found {rows} rows of {Width} values: split the file"),
                Path, null, null, null);
        }

        return (int)length;
    }
}
