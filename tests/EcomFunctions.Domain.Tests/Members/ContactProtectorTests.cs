using System.Buffers.Text;
using System.Security.Cryptography;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using static EcomFunctions.Domain.Tests.Members.MemberTestData;

namespace EcomFunctions.Domain.Tests.Members;

public sealed class ContactProtectorTests
{
    private const string Email = "alice.wang@example.com";

    [Fact]
    public void Round_trip_restores_the_plaintext()
    {
        var protector = Protector();

        var sealedValue = protector.Protect(Email, "m-1", PersonalField.Email);

        Assert.StartsWith("k1:", sealedValue, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", sealedValue, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Email, protector.Unprotect(sealedValue, "m-1", PersonalField.Email));
    }

    [Fact]
    public void Each_encryption_uses_a_fresh_nonce()
    {
        var protector = Protector();

        Assert.NotEqual(protector.Protect(Email, "m-1", PersonalField.Email), protector.Protect(Email, "m-1", PersonalField.Email));
    }

    [Fact]
    public void Non_ascii_text_round_trips()
    {
        var protector = Protector();

        Assert.Equal("王小明", protector.Unprotect(protector.Protect("王小明", "m-1", PersonalField.Name), "m-1", PersonalField.Name));
    }

    [Fact]
    public void A_tampered_ciphertext_is_detected()
    {
        var protector = Protector();
        var sealedValue = protector.Protect(Email, "m-1", PersonalField.Email);
        var bytes = Base64Url.DecodeFromChars(sealedValue.AsSpan(3));
        bytes[20] ^= 0x01;
        var tampered = "k1:" + Base64Url.EncodeToString(bytes);

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(tampered, "m-1", PersonalField.Email));
        Assert.False(protector.TryUnprotect(tampered, "m-1", PersonalField.Email, out _));
    }

    [Fact]
    public void A_truncated_or_malformed_value_is_rejected()
    {
        var protector = Protector();
        var sealedValue = protector.Protect(Email, "m-1", PersonalField.Email);

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedValue[..10], "m-1", PersonalField.Email));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("no-separator", "m-1", PersonalField.Email));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("k1:!!!", "m-1", PersonalField.Email));
    }

    [Fact]
    public void A_ciphertext_moved_to_another_member_or_field_does_not_decrypt()
    {
        var protector = Protector();
        var sealedValue = protector.Protect(Email, "m-1", PersonalField.Email);

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedValue, "m-2", PersonalField.Email));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedValue, "m-1", PersonalField.Phone));
    }

    [Fact]
    public void Keys_rotate_old_values_stay_readable_and_reprotect_moves_them_to_the_new_key()
    {
        var old = new ContactProtector(ProtectionOptions("k1"));
        var data = old.Protect("m-1", new PersonalDetails { Name = "Alice", Email = Email, Phone = "13800138000" }).GetValueOrThrow();
        var rotated = new ContactProtector(ProtectionOptions("k2", "k1", "k2"));

        Assert.Equal(Email, rotated.Unprotect("m-1", data).Email);
        Assert.True(rotated.NeedsReprotect(data));

        var moved = rotated.Reprotect("m-1", data);

        Assert.False(rotated.NeedsReprotect(moved));
        Assert.Equal("k2", ContactProtector.KeyIdOf(moved.EncryptedEmail!));
        var retired = new ContactProtector(ProtectionOptions("k2"));
        Assert.Equal("+8613800138000", retired.Unprotect("m-1", moved).Phone);
        Assert.ThrowsAny<CryptographicException>(() => retired.Unprotect("m-1", data));
        Assert.Equal(data.EmailLookup, moved.EmailLookup); // lookups survive an AES key rotation
    }

    [Theory]
    [InlineData("  Alice.Wang@Example.COM ")]
    [InlineData("alice.wang@example.com")]
    [InlineData("ALICE.WANG@EXAMPLE.COM")]
    public void Email_lookup_ignores_case_and_surrounding_spaces(string typed)
    {
        var protector = Protector();

        Assert.Equal(protector.EmailLookup(Email), protector.EmailLookup(typed));
    }

    [Theory]
    [InlineData("+86 138-0013-8000")]
    [InlineData("13800138000")]
    [InlineData("0086 13800138000")]
    [InlineData("+86 (138) 0013.8000")]
    [InlineData("１３８００１３８０００")] // full-width digits
    public void Phone_lookup_normalises_to_e164(string typed)
    {
        var protector = Protector();

        Assert.True(protector.TryNormalizePhone(typed, out var normalized));
        Assert.Equal("+8613800138000", normalized);
        Assert.Equal(protector.PhoneLookup("+8613800138000"), protector.PhoneLookup(typed));
    }

    [Fact]
    public void National_numbers_with_a_trunk_zero_get_the_default_country_code()
    {
        var protector = Protector();

        Assert.True(protector.TryNormalizePhone("010 6552 9988", out var normalized));
        Assert.Equal("+861065529988", normalized);
        Assert.True(protector.TryNormalizePhone("+1 (212) 555-0100", out var us));
        Assert.Equal("+12125550100", us);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("a@b")]
    [InlineData("a@@b.com")]
    [InlineData("@example.com")]
    [InlineData("a b@example.com")]
    [InlineData("a@example.")]
    public void Malformed_emails_are_rejected(string email)
    {
        Assert.False(ContactProtector.TryNormalizeEmail(email, out _));
        Assert.Null(Protector().EmailLookup(email));
    }

    [Theory]
    [InlineData("12ab34567")]
    [InlineData("12345")]
    [InlineData("+1234567")]
    [InlineData("+1234567890123456")]
    [InlineData("++8613800138000")]
    public void Malformed_phones_are_rejected(string phone)
    {
        Assert.False(Protector().TryNormalizePhone(phone, out _));
    }

    [Fact]
    public void Lookup_hashes_depend_on_the_lookup_key_and_the_field()
    {
        var a = Protector();
        var options = ProtectionOptions();
        options.LookupKey = Key(7);
        var b = new ContactProtector(options);

        Assert.NotEqual(a.EmailLookup(Email), b.EmailLookup(Email));
        Assert.DoesNotContain("alice", a.EmailLookup(Email)!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Protecting_personal_details_validates_and_normalises_contact_fields()
    {
        var protector = Protector();

        var invalid = protector.Protect("m-1", new PersonalDetails { Email = "nope", Phone = "12" });
        var valid = protector.Protect("m-1", new PersonalDetails { Name = " Alice ", Email = " Alice.Wang@Example.com", Phone = "138 0013 8000" }).GetValueOrThrow();
        var back = protector.Unprotect("m-1", valid);

        Assert.Equal(ProblemKind.Validation, invalid.Problem!.Kind);
        Assert.Equal(["email", "phone"], invalid.Problem.Errors!.Keys.Order());
        Assert.Equal(("Alice", Email, "+8613800138000"), (back.Name, back.Email, back.Phone));
        Assert.Equal(protector.EmailLookup(Email), valid.EmailLookup);
        Assert.True(valid.HasEmail && valid.HasPhone);
    }

    [Fact]
    public void Empty_details_protect_to_nothing()
    {
        var data = Protector().Protect("m-1", PersonalDetails.None).GetValueOrThrow();

        Assert.True(data.IsEmpty);
        Assert.Null(data.EmailLookup);
    }

    [Fact]
    public void Plaintext_never_appears_in_ToString()
    {
        var protector = Protector();
        var details = new PersonalDetails { Name = "Alice", Email = Email, Phone = "13800138000" };
        var update = new MemberProfileUpdate { Name = "Alice", Email = Email, Phone = "13800138000", Birthday = Birthday.Create(6, 10) };
        var strings = new[]
        {
            details.ToString(), update.ToString(), protector.Protect("m-1", details).GetValueOrThrow().ToString(),
            new MessageAddress(ContactChannel.Email, Email).ToString(), protector.ToString(), ProtectionOptions().ToString(),
            $"{new MemberProfile(Shanghai, Birthday.Create(6, 10), null, protector.Protect("m-1", details).GetValueOrThrow())}",
        };

        Assert.All(strings, s =>
        {
            Assert.DoesNotContain("alice", s, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("13800138000", s, StringComparison.Ordinal);
            Assert.DoesNotContain("06-10", s, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Invalid_key_configuration_is_refused_at_start()
    {
        var missingActive = ProtectionOptions("k1");
        missingActive.ActiveKeyId = "k9";
        var shortKey = ProtectionOptions("k1");
        shortKey.Keys["k1"] = Convert.ToBase64String(new byte[16]);
        var noLookup = ProtectionOptions("k1");
        noLookup.LookupKey = "";

        Assert.Throws<ArgumentException>(() => new ContactProtector(missingActive));
        Assert.Throws<ArgumentException>(() => new ContactProtector(shortKey));
        Assert.Throws<ArgumentException>(() => new ContactProtector(noLookup));
    }
}
