using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.HyperGrad.LoadCheck;

/// <summary>Writes a scored view's prediction columns as text, one line per row, exactly (floats round-trip).</summary>
public static class PredictionDump
{
    /// <summary>The prediction columns written, those present in the view.</summary>
    private static readonly string[] Columns = ["PredictedLabel", "Score", "Probability"];

    /// <summary>Formats every row of a scored view.</summary>
    /// <param name="scored">The output of a model's Transform.</param>
    /// <returns>One line per row: <c>column=value</c> pairs, vector items joined by commas.</returns>
    public static IReadOnlyList<string> Lines(IDataView scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        DataViewSchema.Column[] present = [.. Columns.Select(scored.Schema.GetColumnOrNull).OfType<DataViewSchema.Column>()];
        var lines = new List<string>();
        using DataViewRowCursor cursor = scored.GetRowCursor(present);
        Func<string>[] readers = [.. present.Select(c => Reader(cursor, c))];
        while (cursor.MoveNext())
        {
            var line = new StringBuilder();
            for (int i = 0; i < present.Length; i++)
            {
                line.Append(present[i].Name).Append('=').Append(readers[i]()).Append(';');
            }

            lines.Add(line.ToString());
        }

        return lines;
    }

    private static Func<string> Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Single:
                ValueGetter<VBuffer<float>> vector = cursor.GetGetter<VBuffer<float>>(column);
                return () =>
                {
                    VBuffer<float> v = default;
                    vector(ref v);
                    return string.Join(",", v.DenseValues().Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
                };
            case KeyDataViewType:
                ValueGetter<uint> key = cursor.GetGetter<uint>(column);
                return () =>
                {
                    uint k = 0;
                    key(ref k);
                    return k.ToString(CultureInfo.InvariantCulture);
                };
            case BooleanDataViewType:
                ValueGetter<bool> flag = cursor.GetGetter<bool>(column);
                return () =>
                {
                    bool b = false;
                    flag(ref b);
                    return b ? "true" : "false";
                };
            default:
                ValueGetter<float> scalar = cursor.GetGetter<float>(column);
                return () =>
                {
                    float x = 0;
                    scalar(ref x);
                    return x.ToString("R", CultureInfo.InvariantCulture);
                };
        }
    }
}
