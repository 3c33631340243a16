using System.Collections.Concurrent;
using EcomFunctions.Domain.Coupons;

using EcomFunctions.Domain.Members;

namespace EcomFunctions.Domain.Tests.Coupons.Support;

/// <summary>Member tiers held in a dictionary; unknown members are null (not found).</summary>
internal sealed class FakeMemberTiers : IMemberTierLookup
{
    private readonly ConcurrentDictionary<string, MemberTier> tiers = new(StringComparer.Ordinal);

    public FakeMemberTiers Set(string memberId, MemberTier tier)
    {
        tiers[memberId] = tier;
        return this;
    }

    public Task<MemberTier?> GetTierAsync(string memberId, CancellationToken cancellationToken) =>
        Task.FromResult(tiers.TryGetValue(memberId, out var tier) ? tier : (MemberTier?)null);
}

/// <summary>Campaign liveness held in a dictionary; unknown campaigns are NotLive (fail closed, as the port says).</summary>
internal sealed class FakeCampaigns : ICampaignStatusLookup
{
    private readonly ConcurrentDictionary<string, CampaignLiveness> states = new(StringComparer.Ordinal);

    public FakeCampaigns Set(string campaignId, CampaignLiveness liveness)
    {
        states[campaignId] = liveness;
        return this;
    }

    public Task<CampaignLiveness> GetLivenessAsync(string campaignId, CancellationToken cancellationToken) =>
        Task.FromResult(states.TryGetValue(campaignId, out var s) ? s : CampaignLiveness.NotLive);
}

/// <summary>
/// Deterministic randomness: scripted byte fills first (to force particular codes), then a seeded generator.
/// Thread-safe so that concurrent use-case tests can share it.
/// </summary>
internal sealed class ScriptedRandomSource(int seed = 42) : IRandomSource
{
    private readonly Lock gate = new();
    private readonly Random random = new(seed);
    private readonly Queue<byte[]> fills = new();

    public ScriptedRandomSource ThenFill(params byte[] bytes)
    {
        lock (gate)
        {
            fills.Enqueue(bytes);
        }

        return this;
    }

    public void Fill(Span<byte> buffer)
    {
        lock (gate)
        {
            if (fills.TryDequeue(out var scripted))
            {
                for (var i = 0; i < buffer.Length; i++)
                {
                    buffer[i] = scripted[i % scripted.Length];
                }

                return;
            }

            random.NextBytes(buffer);
        }
    }

    public int NextInt32(int maxExclusive)
    {
        lock (gate)
        {
            return random.Next(maxExclusive);
        }
    }
}
