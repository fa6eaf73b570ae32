using System.Reflection;
using Microsoft.ML.SearchSpace;

namespace MLNet.HyperGrad.SearchSpaces;

public partial class SearchSpace
{
    private const BindingFlags PublicInstance = BindingFlags.Public | BindingFlags.Instance;

    /// <summary>Values that fill keys the options do not produce, and override the options' defaults (from <c>SearchSpace&lt;T&gt;(T)</c>).</summary>
    private readonly Parameter? defaults;

    /// <summary>Builds a search space from the option attributes on <paramref name="type"/>'s public properties and fields.</summary>
    /// <param name="type">The class to reflect.</param>
    /// <param name="defaults">An object parameter of default values (every settable member of a default instance), or null.</param>
    /// <exception cref="ArgumentException">A member's attribute is invalid or does not match its type, or a default value does not fit its option; the message names the member.</exception>
    private protected SearchSpace(Type type, Parameter? defaults)
        : this(type, [type])
    {
        if (defaults is not null)
        {
            // Checked once here, so that Default never throws later.
            _ = DefaultFrom(defaults, string.Empty, nameof(defaults));
            this.defaults = defaults.DeepClone();
        }
    }

    private SearchSpace(Type type, HashSet<Type> visiting)
    {
        foreach (MemberInfo member in type.GetProperties(PublicInstance).Cast<MemberInfo>().Concat(type.GetFields(PublicInstance)))
        {
            if (OptionFromMember(type, member, visiting) is OptionBase option)
            {
                string key = Parameter.KeyOf(member);
                if (!this.options.TryAdd(key, option))
                {
                    throw new ArgumentException(
                        $"Two members of {Parameter.TypeName(type)} have the key '{key}' (check their [JsonPropertyName] attributes); every option needs its own key.");
                }
            }
        }
    }

    private static OptionBase? OptionFromMember(Type owner, MemberInfo member, HashSet<Type> visiting)
    {
        Attribute[] attributes = [.. member.GetCustomAttributes(inherit: true).OfType<Attribute>()
            .Where(OptionAttributes.IsOptionAttribute)];
        if (attributes.Length == 0)
        {
            return null;
        }

        string where = $"{(member is PropertyInfo ? "Property" : "Field")} '{member.Name}' of {Parameter.TypeName(owner)}";
        if (attributes.Length > 1)
        {
            throw new ArgumentException(
                $"{where} carries [{string.Join("], [", attributes.Select(AttributeName))}]; use only one of [Range], [Choice], [BooleanChoice] and [NestOption].");
        }

        (Type memberType, bool writable) = member switch
        {
            PropertyInfo p => (p.PropertyType, p.GetIndexParameters().Length == 0 && p.GetGetMethod() is not null && p.GetSetMethod() is not null),
            FieldInfo f => (f.FieldType, !f.IsInitOnly && !f.IsLiteral),
            _ => (typeof(void), false),
        };
        if (!writable)
        {
            throw new ArgumentException(
                $"{where} carries [{AttributeName(attributes[0])}] but is not writable; it needs a public getter and setter (or must be a writable field) so that AsType<T>() can set it.");
        }

        return attributes[0] switch
        {
            RangeAttribute range => OptionAttributes.FromRange(range, memberType, where),
            ChoiceAttribute choice => OptionAttributes.FromChoice(choice, memberType, where),
            BooleanChoiceAttribute boolean => OptionAttributes.FromBooleanChoice(boolean, memberType, where),
            _ => NestedFromMember(memberType, where, visiting),
        };
    }

    private static SearchSpace NestedFromMember(Type memberType, string where, HashSet<Type> visiting)
    {
        if (!memberType.IsClass || memberType.IsAbstract || memberType == typeof(string) || memberType.IsArray
            || memberType.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ArgumentException(
                $"{where} carries [NestOption], so its type {Parameter.TypeName(memberType)} must be a non-abstract class with a public parameterless constructor.");
        }

        if (!visiting.Add(memberType))
        {
            throw new ArgumentException(
                $"{where} carries [NestOption] with type {Parameter.TypeName(memberType)}, which already encloses it; nested search spaces cannot be recursive.");
        }

        var nested = new SearchSpace(memberType, visiting);
        visiting.Remove(memberType);
        return nested;
    }

    private static string AttributeName(Attribute attribute)
    {
        string name = attribute.GetType().Name;
        return name.EndsWith("Attribute", StringComparison.Ordinal) ? name[..^"Attribute".Length] : name;
    }
}
