using Podnet.Cluster.Controllers;
using Xunit;

namespace Podnet.Cluster.Tests.Controllers;

public sealed class NameGeneratorTests
{
    [Theory]
    [InlineData("", 2166136261u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void Fnv32a_MatchesTheReferenceVectors(string input, uint expected) => Assert.Equal(expected, NameGenerator.Fnv32a(input));

    [Fact]
    public void SafeEncodeString_MapsBytesIntoTheKubernetesAlphabet()
    {
        // '0' is byte 48: 48 % 27 = 21 -> '4'; '9' is 57 % 27 = 3 -> 'f'
        Assert.Equal("4f", NameGenerator.SafeEncodeString("09"));
    }

    [Fact]
    public void GenerateName_HasFiveSafeCharactersAndIsDeterministic()
    {
        var a = NameGenerator.GenerateName("web-6f8d9-", "uid/0");
        Assert.Equal(a, NameGenerator.GenerateName("web-6f8d9-", "uid/0"));
        Assert.Matches("^web-6f8d9-[bcdfghjklmnpqrstvwxz2456789]{5}$", a);
        Assert.NotEqual(a, NameGenerator.GenerateName("web-6f8d9-", "uid/0", 1));
        Assert.Equal(63, NameGenerator.GenerateName(new string('x', 80), "id").Length);
    }
}
