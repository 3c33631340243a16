namespace EcomFunctions.Domain.Platform;

/// <summary>
/// A state change another system may care about. Published as a CloudEvent: <see cref="Type"/> such as
/// <c>Ecom.Coupons.CouponIssued</c>, <see cref="Subject"/> the entity path, <see cref="Id"/> unique and stable
/// across retries so that consumers can deduplicate by it.
/// </summary>
public sealed record DomainEvent(string Id, string Type, string Subject, DateTimeOffset Time, string DataJson)
{
    /// <summary>
    /// A deterministic id for an event caused by a business operation: the same operation retried yields the
    /// same id, so a duplicate publish is recognisable downstream.
    /// </summary>
    public static string StableId(string type, string subject, string discriminator)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{type}\n{subject}\n{discriminator}"));
        return new Guid(bytes.AsSpan(0, 16)).ToString("N");
    }
}
