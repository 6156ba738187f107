using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.Api.Meta;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Meta;

public class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "frontend" };

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (web,db)", true)]
    [InlineData("app notin (web)", false)]
    [InlineData("missing notin (web)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!canary", true)]
    [InlineData("app=web,tier=backend", false)]
    [InlineData("app=web, tier in (frontend)", true)]
    [InlineData("", true)]
    public void Kubectl_selector_syntax_matches_as_kubernetes(string selector, bool expected)
    {
        Assert.Equal(expected, LabelQuery.Parse(selector).Matches(Web));
    }

    [Theory]
    [InlineData("app=", "app=")]
    [InlineData("b=2,a in (y,x)", "a in (x,y),b=2")]
    [InlineData("!x", "!x")]
    public void Query_prints_as_labels_selector_string(string input, string printed)
    {
        Assert.Equal(printed, LabelQuery.Parse(input).ToString());
    }

    [Theory]
    [InlineData("app in web")]
    [InlineData("app=web,")]
    [InlineData("=web")]
    [InlineData("app=we b")]
    [InlineData("-bad=x")]
    public void Bad_selectors_are_rejected(string selector)
    {
        Assert.False(LabelQuery.TryParse(selector, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Match_expressions_follow_metav1_semantics()
    {
        var sel = new LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions =
            [
                new LabelSelectorRequirement { Key = "tier", Operator = "In", Values = ["frontend", "edge"] },
                new LabelSelectorRequirement { Key = "canary", Operator = "DoesNotExist" },
            ],
        };
        Assert.True(sel.Matches(Web));
        Assert.False(sel.Matches(new Dictionary<string, string> { ["app"] = "web" }));
        Assert.Equal("app=web,!canary,tier in (edge,frontend)", sel.ToString());
        Assert.True(new LabelSelector().Matches(Web));
        Assert.Equal("<none>", new LabelSelector().ToString());
    }

    [Fact]
    public void Selector_and_its_printed_query_agree_on_random_label_sets()
    {
        var keys = new[] { "app", "tier", "env" };
        var values = new[] { "a", "b", "c" };
        var genLabels = Gen.Elements(values).ListOf(3).Select(vs =>
        {
            var d = new Dictionary<string, string>();
            for (var i = 0; i < 3; i++)
            {
                if (vs[i] != "c")
                {
                    d[keys[i]] = vs[i];
                }
            }

            return (IReadOnlyDictionary<string, string>)d;
        });
        var genReq = Gen.Elements(keys).SelectMany(k => Gen.Elements("In", "NotIn", "Exists", "DoesNotExist").SelectMany(op =>
            Gen.SubListOf(values).Select(vs => new LabelSelectorRequirement
            {
                Key = k,
                Operator = op,
                Values = op is "In" or "NotIn" ? (vs.Count == 0 ? ["a"] : vs.ToList()) : [],
            })));
        var genSel = genReq.ListOf(2).Select(rs => new LabelSelector { MatchExpressions = rs.ToList() });
        Prop.ForAll(genSel.ToArbitrary(), genLabels.ToArbitrary(), (sel, labels) =>
            sel.Matches(labels) == LabelQuery.Parse(sel.ToQuery().ToString()).Matches(labels)).QuickCheckThrowOnFailure();
    }
}
