namespace MLNet.HyperGrad.SearchSpaces;

public sealed partial class Parameter
{
    /// <summary>Compares two parameters structurally: same kind, same value, same keys with equal children, same elements in order.</summary>
    /// <param name="other">The other parameter.</param>
    /// <returns>
    /// <see langword="true"/> when both trees are equal. An integer never equals a number
    /// (<c>3</c> is not <c>3.0</c>); a dense array equals an element-by-element array of the same numbers.
    /// </returns>
    public bool Equals(Parameter? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (ParameterType != other.ParameterType)
        {
            return false;
        }

        switch (ParameterType)
        {
            case ParameterType.Integer:
                return integerValue == other.integerValue;
            case ParameterType.Number:
                return numberValue.Equals(other.numberValue);
            case ParameterType.Bool:
                return boolValue == other.boolValue;
            case ParameterType.String:
                return string.Equals(stringValue, other.stringValue, StringComparison.Ordinal);
            case ParameterType.Object:
                if (objectValue!.Count != other.objectValue!.Count)
                {
                    return false;
                }

                // Both maps are sorted ordinally, so equal maps enumerate in the same order.
                using (SortedDictionary<string, Parameter>.Enumerator mine = objectValue.GetEnumerator())
                using (SortedDictionary<string, Parameter>.Enumerator theirs = other.objectValue.GetEnumerator())
                {
                    while (mine.MoveNext() && theirs.MoveNext())
                    {
                        if (!string.Equals(mine.Current.Key, theirs.Current.Key, StringComparison.Ordinal)
                            || !mine.Current.Value.Equals(theirs.Current.Value))
                        {
                            return false;
                        }
                    }
                }

                return true;
            default:
                return ArrayEquals(other);
        }
    }

    /// <inheritdoc cref="Equals(Parameter)"/>
    public override bool Equals(object? obj) => Equals(obj as Parameter);

    /// <summary>Computes a hash consistent with <see cref="Equals(Parameter)"/> (it walks the whole tree).</summary>
    /// <returns>The hash; changes when an object child changes.</returns>
    public override int GetHashCode()
    {
        switch (ParameterType)
        {
            case ParameterType.Integer:
                return HashCode.Combine(ParameterType, integerValue);
            case ParameterType.Number:
                return NumberHash(numberValue);
            case ParameterType.Bool:
                return HashCode.Combine(ParameterType, boolValue);
            case ParameterType.String:
                return HashCode.Combine(ParameterType, StringComparer.Ordinal.GetHashCode(stringValue!));
            case ParameterType.Object:
                var objectHash = default(HashCode);
                objectHash.Add(ParameterType);
                foreach (KeyValuePair<string, Parameter> kv in objectValue!)
                {
                    objectHash.Add(kv.Key, StringComparer.Ordinal);
                    objectHash.Add(kv.Value.GetHashCode());
                }

                return objectHash.ToHashCode();
            default:
                var arrayHash = default(HashCode);
                arrayHash.Add(ParameterType);
                if (this.dense is not null)
                {
                    arrayHash.Add(this.dense.Length);
                    foreach (double value in this.dense)
                    {
                        arrayHash.Add(NumberHash(value));
                    }
                }
                else
                {
                    arrayHash.Add(items!.Length);
                    foreach (Parameter item in items)
                    {
                        arrayHash.Add(item.GetHashCode());
                    }
                }

                return arrayHash.ToHashCode();
        }
    }

    private static int NumberHash(double value) => HashCode.Combine(ParameterType.Number, value);

    private bool ArrayEquals(Parameter other)
    {
        if (Count != other.Count)
        {
            return false;
        }

        if (this.dense is not null && other.dense is not null)
        {
            return this.dense.AsSpan().SequenceEqual(other.dense);
        }

        for (int i = 0; i < this.dense?.Length; i++)
        {
            if (!other.items![i].IsNumber(this.dense[i]))
            {
                return false;
            }
        }

        for (int i = 0; i < items?.Length; i++)
        {
            if (other.dense is not null ? !items[i].IsNumber(other.dense[i]) : !items[i].Equals(other.items![i]))
            {
                return false;
            }
        }

        return true;
    }

    private bool IsNumber(double value) => ParameterType == ParameterType.Number && numberValue.Equals(value);
}
