using System.Xml.Linq;
using MLNet.HyperGrad.Reporting;

namespace MLNet.HyperGrad.Tests.Reporting;

public sealed class MarkupTests
{
    [Fact]
    public void Escape_MarkupCharacters_BecomeEntities()
        => Assert.Equal("&lt;script&gt;&amp;&quot;&#39;", Markup.Escape("<script>&\"'"));

    [Fact]
    public void Escape_PlainText_IsReturnedAsIs()
    {
        const string Text = "learning_rate 0.01 R² 学习率";

        Assert.Same(Text, Markup.Escape(Text));
    }

    [Fact]
    public void Escape_CharactersXmlForbids_AreReplacedAndTheResultParses()
    {
        string escaped = Markup.Escape("a\0b\u001bc\uD800d\uDC00e\uFFFEf\t\n😀");

        XElement element = XElement.Parse("<p title=\"" + escaped + "\">" + escaped + "</p>");

        Assert.Equal("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\t\n😀", element.Value);
    }

    [Fact]
    public void Truncate_LongText_EndsInEllipsisWithinTheLimit()
    {
        Assert.Equal("abcd\u2026", Markup.Truncate("abcdefgh", 5));
        Assert.Equal("abc", Markup.Truncate("abc", 5));
    }
}
