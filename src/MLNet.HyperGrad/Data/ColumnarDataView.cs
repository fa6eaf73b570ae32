using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.HyperGrad.Data;

/// <summary>
/// An in-memory <see cref="IDataView"/> over whole columns: <see cref="float"/> columns (ML.NET's
/// <c>Single</c>, NaN for a missing value) and text columns. Immutable; cursors read the arrays in place.
/// </summary>
/// <remarks>ML.NET's own in-memory views need a compile-time row type; a CSV's columns are known only when it is read.</remarks>
internal sealed class ColumnarDataView : IDataView
{
    private readonly Array[] columns;
    private readonly int rows;

    /// <summary>Creates a view.</summary>
    /// <param name="columns">Each column's name and values: a <c>float[]</c> or a <c>ReadOnlyMemory&lt;char&gt;[]</c>, all of one length.</param>
    /// <exception cref="ArgumentException">A column has another type or length.</exception>
    public ColumnarDataView(IReadOnlyList<KeyValuePair<string, Array>> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var builder = new DataViewSchema.Builder();
        this.columns = new Array[columns.Count];
        rows = columns.Count == 0 ? 0 : columns[0].Value.Length;
        for (int i = 0; i < columns.Count; i++)
        {
            (string name, Array values) = (columns[i].Key, columns[i].Value);
            if (values.Length != rows)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Column \"{name}\" has {values.Length} rows; the first column has {rows}."), nameof(columns));
            }

            DataViewType type = values switch
            {
                float[] => NumberDataViewType.Single,
                ReadOnlyMemory<char>[] => TextDataViewType.Instance,
                _ => throw new ArgumentException($"Column \"{name}\" holds {values.GetType().Name}; expected float[] or ReadOnlyMemory<char>[].", nameof(columns)),
            };
            builder.AddColumn(name, type);
            this.columns[i] = values;
        }

        Schema = builder.ToSchema();
    }

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <summary>Creates a view of one text column, e.g. the key values of <c>MapValueToKey</c>.</summary>
    public static ColumnarDataView OfText(string name, IEnumerable<string> values) =>
        new([new(name, values.Select(v => v.AsMemory()).ToArray())]);

    /// <inheritdoc />
    public long? GetRowCount() => rows;

    /// <summary>Gets a column's values (a <c>float[]</c> or a <c>ReadOnlyMemory&lt;char&gt;[]</c>); do not change them.</summary>
    /// <param name="name">The column's name.</param>
    /// <returns>The values, one per row.</returns>
    /// <exception cref="ArgumentOutOfRangeException">There is no such column.</exception>
    public Array Values(string name) => columns[Schema.GetColumnOrNull(name)?.Index
        ?? throw new ArgumentOutOfRangeException(nameof(name), name, $"No column \"{name}\"; the columns are {string.Join(", ", Schema.Select(c => c.Name))}.")];

    /// <summary>Creates a view of some rows, in the given order.</summary>
    /// <param name="rowIndices">Row numbers, from 0.</param>
    /// <returns>A view with the same schema holding those rows.</returns>
    public ColumnarDataView Take(IReadOnlyList<int> rowIndices)
    {
        ArgumentNullException.ThrowIfNull(rowIndices);
        return new ColumnarDataView([.. Schema.Select(c => KeyValuePair.Create(c.Name, Subset(columns[c.Index], rowIndices)))]);
    }

    private static Array Subset(Array values, IReadOnlyList<int> rowIndices)
    {
        Array result = Array.CreateInstance(values.GetType().GetElementType()!, rowIndices.Count);
        for (int i = 0; i < rowIndices.Count; i++)
        {
            result.SetValue(values.GetValue(rowIndices[i]), i);
        }

        return result;
    }

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this, columnsNeeded);

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this, columnsNeeded)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ColumnarDataView view;
        private readonly bool[] active;
        private long position = -1;

        public Cursor(ColumnarDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded)
        {
            this.view = view;
            active = new bool[view.columns.Length];
            foreach (DataViewSchema.Column column in columnsNeeded)
            {
                active[column.Index] = true;
            }
        }

        public override DataViewSchema Schema => view.Schema;

        public override long Position => position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (position + 1 < view.rows)
            {
                position++;
                return true;
            }

            position = view.rows;
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!active[column.Index])
            {
                throw new InvalidOperationException($"Column \"{column.Name}\" was not asked for when the cursor was made.");
            }

            Delegate getter = view.columns[column.Index] switch
            {
                float[] numbers => (ValueGetter<float>)((ref float value) => value = numbers[position]),
                ReadOnlyMemory<char>[] texts => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = texts[position]),
                _ => throw new InvalidOperationException($"Column \"{column.Name}\" has an unknown type."),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column \"{column.Name}\" is {column.Type}, not {typeof(TValue).Name}.");
        }
    }
}
