using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Podnet.Cluster.Api.Validation;
using Xunit;

namespace Podnet.Cluster.Tests.Api.Validation;

/// <summary>
/// The name checks answer "valid" without their regexes for common strings: they must say "valid" exactly when
/// the upstream patterns (as the regex path applies them) and length limits do.
/// </summary>
public class NameValidationFastPathTests
{
    private const string Label = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Qualified = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

    private static readonly Gen<string> Strings =
        from len in Gen.Choose(0, 70)
        from chars in Gen.ArrayOf(Gen.Elements("abz09AZ-_./\n é".ToCharArray()), len)
        select new string(chars);

    private static bool M(string pattern, string v) => Regex.IsMatch(v, "^" + pattern + "$");

    private static bool QualifiedOk(string v)
    {
        var parts = v.Split('/');
        return parts.Length switch
        {
            1 => parts[0].Length is > 0 and <= 63 && M(Qualified, parts[0]),
            2 => parts[0].Length is > 0 and <= 253 && M(Label + "(\\." + Label + ")*", parts[0]) && parts[1].Length is > 0 and <= 63 && M(Qualified, parts[1]),
            _ => false,
        };
    }

    [Fact]
    public void Fast_acceptance_agrees_with_the_patterns()
    {
        Prop.ForAll(Arb.From(Strings), v =>
        {
            Assert.Equal(v.Length <= 63 && M(Label, v), NameValidation.Dns1123LabelErrors(v).Count == 0);
            Assert.Equal(v.Length <= 253 && M(Label + "(\\." + Label + ")*", v), NameValidation.Dns1123SubdomainErrors(v).Count == 0);
            Assert.Equal(v.Length <= 63 && M("[a-z]([-a-z0-9]*[a-z0-9])?", v), NameValidation.Dns1035LabelErrors(v).Count == 0);
            Assert.Equal(QualifiedOk(v), NameValidation.QualifiedNameErrors(v).Count == 0);
            Assert.Equal(v.Length <= 63 && M("(" + Qualified + ")?", v), NameValidation.LabelValueErrors(v).Count == 0);
            Assert.Equal(v.Length <= 15 && M("[-a-z0-9]+", v) && Regex.IsMatch(v, "[a-z]") && !v.Contains("--", StringComparison.Ordinal) &&
                         !v.StartsWith('-') && !v.EndsWith('-'), NameValidation.PortNameErrors(v).Count == 0);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    [Theory]
    [InlineData("web"), InlineData("a-b.c"), InlineData("kubernetes.io/name"), InlineData("x"), InlineData("http")]
    public void Common_names_are_valid(string v)
    {
        Assert.Empty(NameValidation.Dns1123SubdomainErrors(v.Replace("/", ".", StringComparison.Ordinal)));
        Assert.Empty(NameValidation.QualifiedNameErrors(v));
    }
}
