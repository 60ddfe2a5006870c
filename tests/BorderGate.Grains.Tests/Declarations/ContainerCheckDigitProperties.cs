using BorderGate.Contracts.Trips;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BorderGate.Grains.Tests.Declarations;

public sealed class ContainerCheckDigitProperties
{
    private static readonly Arbitrary<string> s_firstTen =
        (from owner in Gen.ArrayOf(Gen.Choose('A', 'Z').Select(c => (char)c), 3)
         from category in Gen.Elements('U', 'J', 'Z')
         from serial in Gen.Choose(0, 999_999)
         select $"{new string(owner)}{category}{serial:000000}").ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Computed_check_digit_validates_and_every_other_digit_fails() =>
        Prop.ForAll(s_firstTen, firstTen =>
        {
            var check = ContainerNumber.ComputeCheckDigit(firstTen);
            Assert.True(ContainerNumber.TryParse($"{firstTen}{check}", out var container));
            Assert.Equal($"{firstTen}{check}", container.Normalized);

            for (var other = 0; other <= 9; other++)
            {
                if (other == check)
                {
                    continue;
                }

                Assert.False(ContainerNumber.TryParse($"{firstTen}{other}", out _, out var problem));
                Assert.Equal(ContainerNumberProblem.CheckDigit, problem);
            }
        });
}
