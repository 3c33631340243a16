namespace EcomFunctions.Storage;

/// <summary>Tables of the Members capability (partition designs in each repository's header comment).</summary>
public static partial class TableNames
{
    /// <summary>Member rows, operation markers and outbox rows; PK = member partition (p000…), see <see cref="TableMemberRepository"/>.</summary>
    public const string Members = "members";

    /// <summary>Keyed lookup hashes of e-mail and phone → member id; PK = hash, RK = member id.</summary>
    public const string MemberLookups = "memberlookups";

    /// <summary>Win-back contact history with delivery claims and outbox rows; PK = member partition, see <see cref="TableContactHistory"/>.</summary>
    public const string MemberContacts = "membercontacts";

    /// <summary>Run summaries, delivery outcomes, attributed responses and monthly churn; see <see cref="TableReactivationLedger"/>.</summary>
    public const string ReactivationRuns = "reactivationruns";

    /// <summary>Messages "sent" by the local channel adapter (development; the console shows them); PK = channel, RK = message id.</summary>
    public const string LocalMessages = "localmessages";
}

/// <summary>Queues of the Members capability.</summary>
public static partial class QueueNames
{
    /// <summary>Win-back messages waiting for the sender, packed (<see cref="WinBackMessageBatch"/>), delayed to their send time.</summary>
    public const string WinBackMessages = "winback-messages";
}
