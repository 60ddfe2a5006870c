using BorderGate.Contracts.Trips;

namespace BorderGate.Grains.Tests.Declarations;

public sealed class ContainerNumberTests
{
    [Theory]
    [InlineData("CSQU3054383")] // the ISO 6346 worked example
    [InlineData("MSKU9070323")]
    [InlineData("BICU1234565")]
    [InlineData("APZU4812090")]
    [InlineData("MSCU1234566")]
    [InlineData("CSQU0000070")] // remainder 10 gives check digit 0
    public void Valid_container_number_parses(string text)
    {
        Assert.True(ContainerNumber.TryParse(text, out var container, out var problem));
        Assert.Equal(ContainerNumberProblem.None, problem);
        Assert.Equal(text, container.Normalized);
    }

    [Theory]
    [InlineData("MSCU 123456 6", "MSCU1234566")]
    [InlineData("mscu1234566", "MSCU1234566")]
    [InlineData("MSCU-123456-6", "MSCU1234566")]
    [InlineData("  csqu 305438 3 ", "CSQU3054383")]
    public void Spacing_and_case_are_normalized(string text, string normalized)
    {
        Assert.True(ContainerNumber.TryParse(text, out var container));
        Assert.Equal(normalized, container.Normalized);
    }

    [Fact]
    public void Parts_are_exposed()
    {
        Assert.True(ContainerNumber.TryParse("CSQU3054383", out var container));
        Assert.Equal("CSQ", container.OwnerCode);
        Assert.Equal('U', container.Category);
        Assert.Equal("305438", container.Serial);
        Assert.Equal(3, container.CheckDigit);
    }

    [Theory]
    [InlineData("CSQU3054384")]
    [InlineData("MSCU 123456 5")]
    [InlineData("MSKU9070320")]
    [InlineData("CSQU3045383")] // transposed digits
    public void Wrong_check_digit_is_reported(string text)
    {
        Assert.False(ContainerNumber.TryParse(text, out var container, out var problem));
        Assert.Null(container);
        Assert.Equal(ContainerNumberProblem.CheckDigit, problem);
    }

    [Theory]
    [InlineData("CSQA3054383")]
    [InlineData("CSQX3054383")]
    public void Bad_category_is_reported(string text)
    {
        Assert.False(ContainerNumber.TryParse(text, out _, out var problem));
        Assert.Equal(ContainerNumberProblem.Category, problem);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("CSQU305438")] // no check digit
    [InlineData("CSQU30543833")]
    [InlineData("CS1U3054383")]
    [InlineData("CSQU30543A3")]
    [InlineData("CSQU/3054383")]
    [InlineData("ÇSQU3054383")]
    [InlineData("CSQU３054383")] // full-width digit
    public void Malformed_number_is_reported_as_format(string? text)
    {
        Assert.False(ContainerNumber.TryParse(text, out _, out var problem));
        Assert.Equal(ContainerNumberProblem.Format, problem);
    }

    [Fact]
    public void Check_digit_matches_the_worked_example()
    {
        // C=13 S=30 Q=28 U=32 then 3 0 5 4 3 8, weighted 1, 2, 4 ... 512, sum to 6185; 6185 mod 11 = 3.
        Assert.Equal(3, ContainerNumber.ComputeCheckDigit("CSQU305438"));
    }

    [Fact]
    public void ComputeCheckDigit_rejects_malformed_input()
    {
        Assert.Throws<ArgumentException>(() => ContainerNumber.ComputeCheckDigit("CSQU30543"));
        Assert.Throws<ArgumentException>(() => ContainerNumber.ComputeCheckDigit("CSQ1305438"));
    }
}
