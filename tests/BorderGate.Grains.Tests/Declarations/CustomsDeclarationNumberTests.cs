using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Tests.Declarations;

public sealed class CustomsDeclarationNumberTests
{
    [Theory]
    [InlineData("305123456780", "305123456780")]
    [InlineData("105 123 456 781", "105123456781")]
    [InlineData("1051-2345-6781", "105123456781")]
    public void Twelve_digits_normalize(string text, string normalized)
    {
        Assert.True(CustomsDeclarationNumber.TryNormalize(text, out var result));
        Assert.Equal(normalized, result);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("30512345678")]
    [InlineData("3051234567801")]
    [InlineData("30512345678A")]
    [InlineData("305123456780/B11")]
    [InlineData("３05123456780")]
    public void Anything_else_is_rejected(string? text) =>
        Assert.False(CustomsDeclarationNumber.TryNormalize(text, out _));
}
