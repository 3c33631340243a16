using System.Net;
using Azure;
using Azure.Data.Tables;
using EcomFunctions.Domain.Reviews;

namespace EcomFunctions.Storage.Reviews;

/// <summary>
/// Each member's recent submissions (table <see cref="ReviewTables.MemberLog"/>), for burst detection. <b>PK = member
/// id</b>, <b>RK = review id</b>: a member's recent reviews are one small partition, a count is one query, and recording
/// the same review again (a retried submission) rewrites its row instead of counting it twice. Old rows are deleted
/// when the member submits again, so a partition holds little more than the burst window.
/// </summary>
public sealed class TableMemberReviewLog(StorageClients storage, ReviewTables tables) : IMemberReviewLog
{
    public async Task RecordAsync(string memberId, string reviewId, DateTimeOffset submittedAt, DateTimeOffset forgetBefore, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tables.MemberLog, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(memberId, reviewId) { ["SubmittedAt"] = submittedAt }, TableUpdateMode.Replace, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {memberId} and SubmittedAt lt {forgetBefore}");
        await foreach (var old in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                await table.DeleteEntityAsync(old.PartitionKey, old.RowKey, ETag.All, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                // Removed by a concurrent submission of the same member.
            }
        }
    }

    public async Task<int> CountAsync(string memberId, DateTimeOffset windowStart, DateTimeOffset windowEnd, string excludeReviewId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tables.MemberLog, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {memberId} and SubmittedAt ge {windowStart} and SubmittedAt lt {windowEnd}");
        var count = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            count += row.RowKey == excludeReviewId ? 0 : 1;
        }

        return count;
    }
}
