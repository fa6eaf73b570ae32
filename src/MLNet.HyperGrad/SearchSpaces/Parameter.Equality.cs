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
                return _integer == other._integer;
            case ParameterType.Number:
                return _number.Equals(other._number);
            case ParameterType.Bool:
                return _bool == other._bool;
            case ParameterType.String:
                return string.Equals(_string, other._string, StringComparison.Ordinal);
            case ParameterType.Object:
                if (_object!.Count != other._object!.Count)
                {
                    return false;
                }

                // Both maps are sorted ordinally, so equal maps enumerate in the same order.
                using (SortedDictionary<string, Parameter>.Enumerator mine = _object.GetEnumerator())
                using (SortedDictionary<string, Parameter>.Enumerator theirs = other._object.GetEnumerator())
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
                return HashCode.Combine(ParameterType, _integer);
            case ParameterType.Number:
                return NumberHash(_number);
            case ParameterType.Bool:
                return HashCode.Combine(ParameterType, _bool);
            case ParameterType.String:
                return HashCode.Combine(ParameterType, StringComparer.Ordinal.GetHashCode(_string!));
            case ParameterType.Object:
                var objectHash = default(HashCode);
                objectHash.Add(ParameterType);
                foreach (KeyValuePair<string, Parameter> kv in _object!)
                {
                    objectHash.Add(kv.Key, StringComparer.Ordinal);
                    objectHash.Add(kv.Value.GetHashCode());
                }

                return objectHash.ToHashCode();
            default:
                var arrayHash = default(HashCode);
                arrayHash.Add(ParameterType);
                if (_dense is not null)
                {
                    arrayHash.Add(_dense.Length);
                    foreach (double value in _dense)
                    {
                        arrayHash.Add(NumberHash(value));
                    }
                }
                else
                {
                    arrayHash.Add(_items!.Length);
                    foreach (Parameter item in _items)
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

        if (_dense is not null && other._dense is not null)
        {
            return _dense.AsSpan().SequenceEqual(other._dense);
        }

        for (int i = 0; i < _dense?.Length; i++)
        {
            if (!other._items![i].IsNumber(_dense[i]))
            {
                return false;
            }
        }

        for (int i = 0; i < _items?.Length; i++)
        {
            if (other._dense is not null ? !_items[i].IsNumber(other._dense[i]) : !_items[i].Equals(other._items![i]))
            {
                return false;
            }
        }

        return true;
    }

    private bool IsNumber(double value) => ParameterType == ParameterType.Number && _number.Equals(value);
}
