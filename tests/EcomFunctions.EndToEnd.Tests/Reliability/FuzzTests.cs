using EcomFunctions.Testing;
using Xunit.Abstractions;

namespace EcomFunctions.EndToEnd.Tests.Reliability;

/// <summary>Malformed input on every HTTP endpoint of the OpenAPI document: always a 4xx problem, never a 5xx.</summary>
public sealed class FuzzTests(LocalHostFixture host, ITestOutputHelper output) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task Every_endpoint_answers_malformed_input_with_problem_details_and_never_a_server_error()
    {
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Dev-Principal", "fuzzer; roles=CampaignManager,CampaignApprover,Moderator,Merchant");
        var document = await ApiFuzzer.LoadDocumentAsync(client, CancellationToken.None);

        var results = await new ApiFuzzer(client, document).RunAsync(CancellationToken.None);

        output.WriteLine($"{results.Count} requests over {results.Select(r => r.Operation).Distinct().Count()} operations; " +
                         string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));
        Assert.True(results.Count > 50, "the fuzzer ran too few cases");
        var serverErrors = results.Where(r => r.IsServerError).ToList();
        Assert.True(serverErrors.Count == 0, "5xx answers:\n" + string.Join("\n", serverErrors.Take(20)));
        var malformed = results.Where(r => !r.IsWellFormedRefusal).ToList();
        Assert.True(malformed.Count == 0, "4xx without problem details:\n" + string.Join("\n", malformed.Take(20)));
    }
}
