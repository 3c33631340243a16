using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.Domain.Tests.Members.Fakes;

/// <summary>Coupon grants as the coupon capability would treat them: idempotent per grant id.</summary>
public sealed class RecordingCouponGrants : ICouponGrants
{
    private readonly Dictionary<string, CouponGrant> issued = new(StringComparer.Ordinal);

    public int Calls { get; private set; }

    public int GrantsEnqueued { get; private set; }

    public IReadOnlyCollection<CouponGrant> Issued => issued.Values;

    public Task EnqueueAsync(IReadOnlyList<CouponGrant> grants, CancellationToken cancellationToken)
    {
        Calls++;
        foreach (var grant in grants)
        {
            GrantsEnqueued++;
            issued.TryAdd(grant.GrantId, grant);
        }

        return Task.CompletedTask;
    }
}

public sealed class RecordingMessageOutbox : IMessageOutbox
{
    public int Calls { get; private set; }

    public List<OutboundMessage> Messages { get; } = [];

    /// <summary>When set, the next EnqueueAsync throws after nothing was enqueued.</summary>
    public bool FailNext { get; set; }

    public Task EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        Calls++;
        if (FailNext)
        {
            FailNext = false;
            throw new InvalidOperationException("Simulated queue outage.");
        }

        Messages.AddRange(messages);
        return Task.CompletedTask;
    }
}

public sealed class RecordingMessageChannel(ContactChannel channel) : IMessageChannel
{
    public ContactChannel Channel { get; } = channel;

    public List<(OutboundMessage Message, MessageAddress Address)> Sent { get; } = [];

    public Queue<DeliveryResult> Results { get; } = new();

    public Task<DeliveryResult> SendAsync(OutboundMessage message, MessageAddress address, CancellationToken cancellationToken)
    {
        var result = Results.Count > 0 ? Results.Dequeue() : DeliveryResult.Delivered("provider-" + message.MessageId);
        if (result.Status == DeliveryStatus.Delivered)
        {
            Sent.Add((message, address));
        }

        return Task.FromResult(result);
    }
}

/// <summary>Tier publications as the directory would hold them (latest wins; removal deletes).</summary>
public sealed class RecordingTierPublisher : IMemberTierPublisher
{
    public Dictionary<string, MemberTier> Tiers { get; } = new(StringComparer.Ordinal);

    public int Publications { get; private set; }

    public Task PublishAsync(string memberId, MemberTier tier, CancellationToken cancellationToken)
    {
        Publications++;
        Tiers[memberId] = tier;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string memberId, CancellationToken cancellationToken)
    {
        Tiers.Remove(memberId);
        return Task.CompletedTask;
    }
}
