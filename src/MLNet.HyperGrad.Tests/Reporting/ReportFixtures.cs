using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Reporting;

/// <summary>Trials and helpers shared by the reporting tests: a study builder and XML queries over a rendered page.</summary>
internal static partial class ReportFixtures
{
    public static readonly DateTime Start = new(2025, 3, 14, 9, 30, 0, DateTimeKind.Utc);

    /// <summary>A complete trial with a learning rate, a width and an activation.</summary>
    public static ReportTrial Complete(int number, double metric, double learningRate = 0.01, double width = 64, string activation = "relu", double[]? curve = null)
        => new()
        {
            Number = number,
            State = TrialState.Complete,
            Metric = metric,
            Loss = 1 - metric,
            DurationMilliseconds = 1000 + number,
            StartedAtUtc = Start.AddMinutes(number),
            Parameters = new Dictionary<string, ReportValue>
            {
                ["mlp.learning_rate"] = learningRate,
                ["mlp.width"] = width,
                ["mlp.activation"] = activation,
            },
            ValidationCurve = curve ?? [],
        };

    /// <summary>A failed trial with an error message.</summary>
    public static ReportTrial Failed(int number, string error) => Complete(number, double.NaN) with
    {
        State = TrialState.Failed,
        Metric = null,
        Loss = null,
        Error = error,
    };

    /// <summary>A study of the given trials, with the learning rate on a log axis.</summary>
    public static ReportData Study(IEnumerable<ReportTrial> trials, bool higherIsBetter = true) => new()
    {
        Title = "Test study",
        TaskDescription = "classification on iris.csv (label: Species)",
        MetricName = "accuracy",
        MetricHigherIsBetter = higherIsBetter,
        Trials = [.. trials],
        Tuner = "random",
        LogScaleParameters = new HashSet<string> { "mlp.learning_rate" },
    };

    /// <summary>A study with twelve complete trials whose metrics go up and down.</summary>
    public static ReportData TypicalStudy(bool higherIsBetter = true)
    {
        double[] metrics = [0.71, 0.65, 0.80, 0.78, 0.92, 0.60, 0.88, 0.93, 0.90, 0.85, 0.94, 0.70];
        return Study(
            metrics.Select((m, i) => Complete(i, m, Math.Pow(10, -4 + (i % 4)), 16 * (i + 1), i % 3 == 0 ? "tanh" : "relu")),
            higherIsBetter);
    }

    /// <summary>Parses a rendered page as XML (the page is written to be well-formed).</summary>
    public static XDocument Parse(string html) => XDocument.Parse(html);

    /// <summary>Gets the elements with a local name and, optionally, a CSS class among their classes.</summary>
    public static IEnumerable<XElement> Elements(XContainer root, string localName, string? cssClass = null)
        => root.Descendants().Where(e => e.Name.LocalName == localName
            && (cssClass is null || ((string?)e.Attribute("class") ?? string.Empty).Split(' ').Contains(cssClass)));

    /// <summary>Gets the element with an id.</summary>
    public static XElement ById(XContainer root, string id)
        => root.Descendants().Single(e => (string?)e.Attribute("id") == id);

    /// <summary>Gets the trial numbers an element tree refers to through data-trial attributes.</summary>
    public static IEnumerable<int> TrialNumbers(XContainer root)
        => root.Descendants().Select(e => (string?)e.Attribute("data-trial")).OfType<string>().Select(s => int.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>Parses the "x,y x,y" points of a polyline.</summary>
    public static (double X, double Y)[] Points(XElement polyline)
        => [.. ((string)polyline.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))];

    /// <summary>Gets every inline SVG fragment of a page as text.</summary>
    public static IEnumerable<string> SvgFragments(string html) => SvgPattern().Matches(html).Select(m => m.Value);

    /// <summary>Asserts that every coordinate of every SVG element is a finite number.</summary>
    public static void AssertFiniteGeometry(XDocument document)
    {
        string[] numeric = ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height"];
        foreach (XElement element in document.Descendants().Where(e => e.Name.NamespaceName == "http://www.w3.org/2000/svg"))
        {
            foreach (string name in numeric)
            {
                if (element.Attribute(name) is { } attribute)
                {
                    Assert.True(
                        double.TryParse(attribute.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value),
                        $"<{element.Name.LocalName} {name}=\"{attribute.Value}\"> is not a finite number.");
                }
            }

            foreach (string name in new[] { "points", "d", "transform" })
            {
                if (element.Attribute(name) is { } attribute)
                {
                    Assert.DoesNotContain("NaN", attribute.Value, StringComparison.Ordinal);
                    Assert.DoesNotContain("Infinity", attribute.Value, StringComparison.Ordinal);
                    Assert.DoesNotContain("\u221E", attribute.Value, StringComparison.Ordinal);
                }
            }
        }
    }

    [GeneratedRegex("<svg[ >].*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgPattern();
}
