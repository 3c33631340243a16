using EcomFunctions.Domain.Coupons;
using EcomFunctions.Domain.Platform;
using EcomFunctions.Domain.Tests.Coupons.Support;

namespace EcomFunctions.Domain.Tests.Coupons;

public class CouponCodeTests
{
    private const string Alphabet = CouponCode.Alphabet;

    private static IReadOnlyList<CouponCode> ManyCodes(int count, string prefix = "")
    {
        var generator = new CouponCodeGenerator(new ScriptedRandomSource(seed: 7), new CouponOptions());
        return [.. Enumerable.Range(0, count).Select(_ => generator.Generate(prefix))];
    }

    [Fact]
    public void The_alphabet_is_crockford_base32_without_I_L_O_U()
    {
        Assert.Equal(32, Alphabet.Length);
        Assert.Equal(32, Alphabet.Distinct().Count());
        Assert.DoesNotContain('I', Alphabet);
        Assert.DoesNotContain('L', Alphabet);
        Assert.DoesNotContain('O', Alphabet);
        Assert.DoesNotContain('U', Alphabet);
    }

    [Fact]
    public void The_check_operation_is_a_latin_square_and_totally_anti_symmetric()
    {
        // Exhaustive over GF(32): this is the proof behind the two detection guarantees below.
        for (var c = 0; c < 32; c++)
        {
            Assert.Equal(32, Enumerable.Range(0, 32).Select(y => CouponCode.Combine(c, y)).Distinct().Count()); // rows
            Assert.Equal(32, Enumerable.Range(0, 32).Select(x => CouponCode.Combine(x, c)).Distinct().Count()); // columns
            for (var x = 0; x < 32; x++)
            {
                for (var y = 0; y < 32; y++)
                {
                    if (x != y)
                    {
                        Assert.NotEqual(CouponCode.Combine(CouponCode.Combine(c, x), y), CouponCode.Combine(CouponCode.Combine(c, y), x));
                    }
                }
            }
        }
    }

    [Fact]
    public void Every_single_character_substitution_is_detected()
    {
        foreach (var code in ManyCodes(2000, prefix: "AB"))
        {
            var chars = code.Value.ToCharArray();
            for (var position = 0; position < chars.Length; position++)
            {
                var original = chars[position];
                foreach (var replacement in Alphabet.Where(c => c != original))
                {
                    chars[position] = replacement;
                    Assert.False(CouponCode.HasValidCheckCharacter(chars), $"{code.Value}: position {position} → {replacement} not detected");
                }

                chars[position] = original;
            }
        }
    }

    [Fact]
    public void Every_adjacent_transposition_is_detected()
    {
        var checkedSwaps = 0;
        foreach (var code in ManyCodes(5000))
        {
            var chars = code.Value.ToCharArray();
            for (var position = 0; position + 1 < chars.Length; position++)
            {
                if (chars[position] == chars[position + 1])
                {
                    continue;
                }

                (chars[position], chars[position + 1]) = (chars[position + 1], chars[position]);
                Assert.False(CouponCode.HasValidCheckCharacter(chars), $"{code.Value}: swap at {position} not detected");
                (chars[position], chars[position + 1]) = (chars[position + 1], chars[position]);
                checkedSwaps++;
            }
        }

        Assert.True(checkedSwaps > 50_000);
    }

    [Fact]
    public void Twin_errors_and_jump_transpositions_are_detected_too()
    {
        foreach (var code in ManyCodes(1000))
        {
            var chars = code.Value.ToCharArray();
            for (var i = 0; i + 2 < chars.Length; i++)
            {
                if (chars[i] != chars[i + 2])
                {
                    (chars[i], chars[i + 2]) = (chars[i + 2], chars[i]);
                    Assert.False(CouponCode.HasValidCheckCharacter(chars));
                    (chars[i], chars[i + 2]) = (chars[i + 2], chars[i]);
                }

                if (chars[i] == chars[i + 1])
                {
                    var original = chars[i];
                    var twin = Alphabet[(Alphabet.IndexOf(original, StringComparison.Ordinal) + 5) % 32];
                    chars[i] = chars[i + 1] = twin;
                    Assert.False(CouponCode.HasValidCheckCharacter(chars));
                    chars[i] = chars[i + 1] = original;
                }
            }
        }
    }

    [Theory]
    [InlineData("0000", "00000")]
    [InlineData("1000", "1000G")] // running value 1 → 2 → 4 → 8; check 2·8 = 16 = 'G'
    [InlineData("ZZZZ", "ZZZZD")] // 31 → 4 → 23 → 20; check 2·20 = 40 ≡ 13 = 'D' (mod x⁵+x²+1)
    public void Check_characters_are_pinned(string body, string expected) =>
        // Codes are printed and handed out: the check algorithm must never change.
        Assert.Equal(expected, CouponCode.FromBody(body).Value);

    [Fact]
    public void Check_characters_match_an_independent_implementation()
    {
        foreach (var code in ManyCodes(200, prefix: "Q7"))
        {
            Assert.Equal(ExpectedCheck(code.Value[..^1]), code.Value[^1]);
        }
    }

    /// <summary>An independent re-implementation of the scheme (polynomial arithmetic written out) to cross-check.</summary>
    private static char ExpectedCheck(string body)
    {
        var r = 0;
        foreach (var ch in body)
        {
            r = MultiplyByX(r) ^ Alphabet.IndexOf(ch, StringComparison.Ordinal);
        }

        return Alphabet[MultiplyByX(r)];

        static int MultiplyByX(int v) => v >= 16 ? ((v - 16) * 2) ^ 0b00101 : v * 2; // x⁵ ≡ x² + 1
    }

    [Fact]
    public void Generated_codes_parse_back_to_themselves()
    {
        foreach (var code in ManyCodes(500, prefix: "SPR"))
        {
            Assert.StartsWith("SPR", code.Value, StringComparison.Ordinal);
            Assert.Equal(3 + 12 + 1, code.Value.Length);
            Assert.Equal(code, CouponCode.Parse(code.Value).GetValueOrThrow());
        }
    }

    [Fact]
    public void Input_is_normalised_case_separators_full_width_and_confusables()
    {
        var code = CouponCode.FromBody("SPR0NG1K2M9X");
        var typed = new[]
        {
            "spr0ng1k2m9x" + code.Value[^1],
            "SPRO-NGIK-2M9X-" + code.Value[^1],
            " sprong lk2m9x " + char.ToLowerInvariant(code.Value[^1]),
            "ＳＰＲ０ＮＧ１Ｋ２Ｍ９Ｘ" + (char)(code.Value[^1] + 0xFEE0), // full-width, as typed with a Chinese IME
        };
        foreach (var input in typed)
        {
            Assert.Equal(code, CouponCode.Parse(input).GetValueOrThrow());
        }
    }

    [Theory]
    [InlineData(null, "Is required.")]
    [InlineData("   ", "Is required.")]
    [InlineData("AB1", "Must have 5 to 40 characters.")]
    [InlineData("ABCU12345", "Contains characters that are not in coupon codes.")]
    [InlineData("ABC$12345", "Contains characters that are not in coupon codes.")]
    public void Malformed_input_gives_a_code_field_error(string? input, string message)
    {
        var result = CouponCode.Parse(input);
        Assert.Equal(ProblemKind.Validation, result.Problem?.Kind);
        Assert.Equal([message], result.Problem!.Errors!["code"]);
    }

    [Fact]
    public void A_typo_fails_the_check_character()
    {
        var code = CouponCode.FromBody("SPRNG7KQ2M9X");
        var typo = code.Value[..3] + (code.Value[3] == 'A' ? 'B' : 'A') + code.Value[4..];
        Assert.Contains("check character", CouponCode.Parse(typo).Problem!.Errors!["code"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Codes_display_in_groups()
    {
        var code = CouponCode.FromBody("ABCDEFGHJKM");
        Assert.Equal($"ABCD-EFGH-JKM{code.Value[^1]}", code.ToDisplayString());
        Assert.Equal(code, CouponCode.Parse(code.ToDisplayString()).GetValueOrThrow());
    }

    [Theory]
    [InlineData("spr", "SPR")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("A1B2C3D4", "A1B2C3D4")]
    public void Prefixes_are_upper_cased(string? prefix, string expected) =>
        Assert.Equal(expected, CouponCodePrefix.Normalize(prefix, 8).GetValueOrThrow());

    [Theory]
    [InlineData("SHOE")] // O would silently print as 0
    [InlineData("GIFT")]
    [InlineData("SALE")]
    [InlineData("BUY")]
    [InlineData("A-B")]
    [InlineData("TOOLONGXX")]
    public void Prefixes_outside_the_alphabet_or_too_long_are_rejected(string prefix) =>
        Assert.Equal(["prefix"], CouponCodePrefix.Normalize(prefix, 8).Problem!.Errors!.Keys);

    [Fact]
    public void The_generator_draws_five_bits_per_character_from_the_injected_source()
    {
        var random = new ScriptedRandomSource().ThenFill([0, 1, 2, 31, 32, 33, 255, 10, 11, 12, 13, 14]);
        var code = new CouponCodeGenerator(random, new CouponOptions()).Generate("X");
        Assert.Equal("X012Z01ZABCDE", code.Value[..^1]);
    }

    [Fact]
    public void The_crypto_source_produces_valid_distinct_codes()
    {
        var generator = new CouponCodeGenerator(CryptoRandomSource.Instance, new CouponOptions());
        var codes = Enumerable.Range(0, 1000).Select(_ => generator.Generate().Value).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(1000, codes.Count);
        Assert.All(codes, c => Assert.True(CouponCode.HasValidCheckCharacter(c)));
    }
}
