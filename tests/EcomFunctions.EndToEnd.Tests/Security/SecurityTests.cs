using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using EcomFunctions.Domain.Members;
using EcomFunctions.Domain.Platform;
using EcomFunctions.EndToEnd.Tests.Members;
using EcomFunctions.LocalHost.Functions;
using EcomFunctions.Testing;
using EcomFunctions.Testing.Campaigns;
using Microsoft.Azure.Functions.Worker;

namespace EcomFunctions.EndToEnd.Tests.Security;

/// <summary>
/// One LocalHost on its own Azurite (so every table and queue of the account can be read raw, and every log line the
/// host writes is captured) with a small request size limit, shared by the security tests.
/// </summary>
public sealed class SecurityHost : IAsyncLifetime
{
    public const int MaxBodyBytes = 16 * 1024;

    public MembersHost Members { get; private set; } = null!;

    public JsonObject OpenApi { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Members = await MembersHost.StartAsync(new Dictionary<string, string?>
        {
            ["Http:MaxRequestBodyBytes"] = MaxBodyBytes.ToString(CultureInfo.InvariantCulture),
            // No quiet hours: win-back messages are due at the run whatever the wall clock says.
            ["Reactivation:QuietHoursStart"] = "00:00",
            ["Reactivation:QuietHoursEnd"] = "00:00",
        });
        OpenApi = await ApiFuzzer.LoadDocumentAsync(Members.Client, CancellationToken.None);
    }

    public async Task DisposeAsync() => await Members.DisposeAsync();
}

/// <summary>
/// DESIGN §10 end to end: function keys on storefront endpoints, operator roles on operator endpoints, four-eyes
/// approval, the wallet behind the storefront key, personal data encrypted at rest and never logged, request size caps.
/// Endpoints are enumerated from the OpenAPI document and cross-checked against the host's function metadata.
/// </summary>
public sealed class SecurityTests(SecurityHost fixture) : IClassFixture<SecurityHost>
{
    private const string PrincipalHeader = "X-Dev-Principal";

    private MembersHost Host => fixture.Members;

    public static IEnumerable<(string Method, string Path, string OperationId, JsonObject Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        select (operation.Key.ToUpperInvariant(), path.Key, operation.Value!["operationId"]!.GetValue<string>(), operation.Value!.AsObject());

    private static string SecurityOf(JsonObject operation) =>
        operation["security"]?[0]?.AsObject().Select(s => s.Key).Single() ?? "none";

    [Fact]
    public void The_api_description_marks_every_function_as_storefront_operator_or_public_as_its_trigger_says()
    {
        var documented = Operations(fixture.OpenApi).ToDictionary(o => (o.OperationId, o.Method), o => SecurityOf(o.Operation));
        var http = Host.Host.Functions.Where(f => f.Trigger == TriggerKind.Http).ToList();
        Assert.NotEmpty(http);
        foreach (var function in http)
        {
            var trigger = function.Attribute<HttpTriggerAttribute>();
            foreach (var method in trigger.Methods!.Select(m => m.ToUpperInvariant()))
            {
                Assert.True(documented.TryGetValue((function.Name, method), out var security), $"{function.Name} {method} is not in the API description");
                if (trigger.AuthLevel == AuthorizationLevel.Anonymous)
                {
                    Assert.NotEqual("functionKey", security);
                }
                else
                {
                    Assert.Equal("functionKey", security);
                }
            }
        }

        Assert.Equal(documented.Count, http.Sum(f => f.Attribute<HttpTriggerAttribute>().Methods!.Length));
    }

    [Fact]
    public async Task Storefront_endpoints_refuse_requests_without_a_valid_function_key()
    {
        var storefront = Operations(fixture.OpenApi).Where(o => SecurityOf(o.Operation) == "functionKey").ToList();
        Assert.True(storefront.Count >= 15, $"only {storefront.Count} storefront operations found");
        using var client = new HttpClient { BaseAddress = Host.Host.BaseAddress };
        var failures = new List<string>();
        foreach (var (method, path, id, _) in storefront)
        {
            var url = Fill(path);
            foreach (var (name, configure) in new (string, Action<HttpRequestMessage>)[]
                     {
                         ("no key", _ => { }),
                         ("wrong key", r => r.Headers.Add("x-functions-key", "not-the-key")),
                         ("wrong code", r => r.RequestUri = new Uri(r.RequestUri!.OriginalString + "?code=not-the-key", UriKind.Relative)),
                         ("empty key", r => r.Headers.TryAddWithoutValidation("x-functions-key", "")),
                         ("operator instead", r => r.Headers.Add(PrincipalHeader, "mallory; roles=" + string.Join(',', OperatorRoles.All))),
                     })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative)) { Content = JsonBody("{}") };
                configure(request);
                using var response = await client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Unauthorized || !IsProblem(response))
                {
                    failures.Add($"{id} {method} {url} [{name}] → {(int)response.StatusCode} {response.Content.Headers.ContentType}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Operator_endpoints_refuse_a_missing_principal_and_every_principal_without_their_role()
    {
        var operatorOperations = Operations(fixture.OpenApi).Where(o => SecurityOf(o.Operation) == "operatorPrincipal").ToList();
        Assert.True(operatorOperations.Count >= 40, $"only {operatorOperations.Count} operator operations found");
        var failures = new List<string>();
        foreach (var (method, path, id, operation) in operatorOperations)
        {
            var roles = operation["x-operator-roles"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
            Assert.NotEmpty(roles);
            var others = OperatorRoles.All.Except(roles).ToList();
            var url = Fill(path);
            var principals = new (string Name, string? Principal, HttpStatusCode Expected)[]
            {
                ("no principal", null, HttpStatusCode.Unauthorized),
                ("malformed principal", "roles=" + string.Join(',', roles), HttpStatusCode.Unauthorized),
                ("no roles", "mallory", HttpStatusCode.Forbidden),
                ("other roles", "mallory; roles=" + string.Join(',', others.DefaultIfEmpty("Shopper")), HttpStatusCode.Forbidden),
                ("role in other case", "mallory; roles=" + string.Join(',', roles.Select(r => r.ToLowerInvariant())), HttpStatusCode.Forbidden),
            };
            foreach (var (name, principal, expected) in principals)
            {
                // The storefront key is sent too: it must not stand in for an operator.
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative)) { Content = JsonBody("{}") };
                if (principal is not null)
                {
                    request.Headers.Add(PrincipalHeader, principal);
                }

                using var response = await Host.Client.SendAsync(request);
                if (response.StatusCode != expected || !IsProblem(response))
                {
                    failures.Add($"{id} {method} {url} [{name}] → {(int)response.StatusCode} (expected {(int)expected}) {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
    }

    [Fact]
    public async Task Forged_or_malformed_platform_principals_are_refused()
    {
        foreach (var header in new[] { "not base64!", Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"claims\":[{\"typ\":\"roles\",\"val\":\"CampaignManager\"}]}")), Convert.ToBase64String(Encoding.UTF8.GetBytes("[1,2]")) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/campaigns");
            request.Headers.Add("X-MS-CLIENT-PRINCIPAL", header);
            using var response = await Host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.True(IsProblem(response));
        }
    }

    [Fact]
    public async Task Nobody_who_created_edited_or_submitted_a_plan_can_approve_or_reject_it()
    {
        var campaigns = new CampaignDriver(Host.Client);
        var id = CampaignDriver.NewId();
        var now = DateTimeOffset.UtcNow;
        const string creator = "cora; roles=CampaignManager,CampaignApprover";
        const string editor = "eddie; roles=CampaignManager,CampaignApprover";
        const string submitter = "sally; roles=CampaignManager,CampaignApprover";
        var plan = CampaignDriver.Plan(id, null, now.AddDays(3), now.AddDays(6));
        await campaigns.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/campaigns", plan, creator);
        plan["theme"] = "Edited theme";
        await campaigns.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/campaigns/{id}", plan, editor);
        await campaigns.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, $"api/campaigns/{id}/submit", principal: submitter);

        foreach (var insider in new[] { creator, editor, submitter })
        {
            foreach (var decision in new object[] { new { approved = true }, new { approved = false, comment = "no" } })
            {
                using var refused = await campaigns.SendAsync(HttpMethod.Post, $"api/campaigns/{id}/approval", decision, insider);
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
                Assert.Contains("four-eyes", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        Assert.Equal("pendingApproval", (await campaigns.GetAsync(id)).GetProperty("state").GetString());
        var approved = await campaigns.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/campaigns/{id}/approval", new { approved = true }, CampaignDriver.Approver);
        Assert.Equal("approved", approved.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_wallet_is_only_readable_with_the_storefront_key_and_shows_only_its_members_coupons()
    {
        var alice = Azurite.UniqueName("wa");
        var bob = Azurite.UniqueName("wb");
        foreach (var member in new[] { alice, bob })
        {
            using var put = await Host.Client.PutAsJsonAsync($"api/members/{member}", new { signedUpAt = DateTimeOffset.UtcNow.AddDays(-1) });
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var definition = await ActiveDefinitionAsync();
        using (var claim = await Send(Host.Client, HttpMethod.Post, $"api/coupons/{definition}/claim", new { memberId = alice }, idempotencyKey: Guid.NewGuid().ToString()))
        {
            Assert.True(claim.StatusCode == HttpStatusCode.Created, await claim.Content.ReadAsStringAsync());
        }

        using var anonymous = new HttpClient { BaseAddress = Host.Host.BaseAddress };
        foreach (var attempt in new Func<Task<HttpResponseMessage>>[]
                 {
                     () => anonymous.GetAsync($"api/members/{alice}/coupons"),
                     () => anonymous.GetAsync($"api/members/{alice}/coupons?code=guess"),
                     () => Send(anonymous, HttpMethod.Get, $"api/members/{alice}/coupons", null, principal: $"{bob}; roles=" + string.Join(',', OperatorRoles.All)),
                     () => Send(anonymous, HttpMethod.Get, $"api/members/{alice}/coupons", null, key: "wrong"),
                 })
        {
            using var response = await attempt();
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain(definition, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var own = await Host.Client.GetStringAsync($"api/members/{alice}/coupons");
        Assert.Contains(definition, own, StringComparison.Ordinal);
        var other = await Host.Client.GetStringAsync($"api/members/{bob}/coupons");
        Assert.DoesNotContain(definition, other, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_over_the_limit_get_413_problem_details_on_every_endpoint_that_reads_one()
    {
        var withBody = Operations(fixture.OpenApi).Where(o => o.Operation["requestBody"] is not null).ToList();
        Assert.Contains(withBody, o => SecurityOf(o.Operation) == "functionKey");
        Assert.Contains(withBody, o => SecurityOf(o.Operation) == "operatorPrincipal");
        var oversized = "{\"a\":\"" + new string('x', SecurityHost.MaxBodyBytes) + "\"}";
        var failures = new List<string>();
        foreach (var (method, path, id, _) in withBody)
        {
            foreach (var chunked in new[] { false, true })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(Fill(path), UriKind.Relative));
                request.Headers.Add(PrincipalHeader, "olga; roles=" + string.Join(',', OperatorRoles.All));
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                request.Content = chunked ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(oversized))) : JsonBody(oversized);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                if (chunked)
                {
                    request.Headers.TransferEncodingChunked = true;
                }

                using var response = await Host.Client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.RequestEntityTooLarge || !IsProblem(response))
                {
                    failures.Add($"{id} {method} [{(chunked ? "chunked" : "content-length")}] → {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Just under the limit is read (and judged on its content, not its size).
        using var fits = await Host.Client.PutAsync($"api/members/{Azurite.UniqueName("m")}",
            JsonBody("{\"signedUpAt\":\"2026-01-01T00:00:00Z\",\"name\":\"" + new string('x', 100) + "\",\"pad\":\"" + new string('y', SecurityHost.MaxBodyBytes - 200) + "\"}"));
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, fits.StatusCode);
    }

    [Fact]
    public async Task Contact_details_never_reach_a_table_a_queue_or_a_log_in_plain_text()
    {
        var token = Guid.NewGuid().ToString("N")[..10];
        var salt = new ReactivationOptions().HoldoutSalt;
        var treated = Enumerable.Range(0, 200).Select(i => $"pii{token}{i}").Where(id => !Holdout.IsHeldOut(id, 0.1m, salt)).Take(2).ToList();
        var longAgo = DateTimeOffset.UtcNow.AddDays(-100);
        var secrets = new List<string>();
        foreach (var (id, index) in treated.Select((id, i) => (id, i)))
        {
            var local = $"zq{token}x{index}";
            var digits = $"139{index}{Random.Shared.Next(1000000, 9999999)}";
            secrets.AddRange([local, $"{local}@mail-example.test", digits, digits[3..]]);
            var channel = index == 0 ? "email" : "sms";
            using var put = await Host.Client.PutAsJsonAsync($"api/members/{id}", new
            {
                signedUpAt = longAgo,
                name = "Zhang " + local,
                email = $"{local}@mail-example.test",
                phone = $"+86 {digits[..3]} {digits[3..7]} {digits[7..]}",
                preferredChannel = channel,
                consents = new[] { new { channel, granted = true, at = longAgo } },
            });
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // An invalid update echoes nothing back into logs either.
        using (var invalid = await Host.Client.PutAsJsonAsync($"api/members/{treated[0]}", new { signedUpAt = longAgo, email = $"not an address {secrets[0]}" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }

        var today = ZonedTime.LocalDate(DateTimeOffset.UtcNow, ZonedTime.Resolve("Asia/Shanghai")).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Accepted, (await Host.StartRunAsync(today)).StatusCode);
        await Host.WaitForRunAsync(today, TimeSpan.FromSeconds(60));
        var messages = await Eventually.HoldsAsync(() => MembersHost.GetJsonAsync(Host.OperatorClient, "api/reactivation/messages"),
            m => treated.All(id => m.EnumerateArray().Any(x => x.GetProperty("memberId").GetString() == id)), TimeSpan.FromSeconds(30), "win-back messages delivered");
        Assert.DoesNotContain(secrets, s => messages.GetRawText().Contains(s, StringComparison.OrdinalIgnoreCase));

        var stored = new StringBuilder();
        var tables = new TableServiceClient(Host.ConnectionString);
        var tableCount = 0;
        await foreach (var table in tables.QueryAsync())
        {
            tableCount++;
            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                stored.Append(table.Name).Append(':').AppendJoin('|', entity.Select(p => $"{p.Key}={p.Value}")).AppendLine();
            }
        }

        var queues = new QueueServiceClient(Host.ConnectionString);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            foreach (var message in (await queues.GetQueueClient(queue.Name).PeekMessagesAsync(32)).Value)
            {
                var body = message.Body.ToString();
                stored.Append(queue.Name).Append(':').AppendLine(body);
                try
                {
                    stored.AppendLine(Encoding.UTF8.GetString(Convert.FromBase64String(body)));
                }
                catch (FormatException)
                {
                    // Not base64: the raw text above is what is stored.
                }
            }
        }

        var raw = stored.ToString();
        Assert.True(tableCount >= 5, $"only {tableCount} tables");
        foreach (var id in treated)
        {
            Assert.Contains(id, raw, StringComparison.Ordinal); // the scan does see the members' rows
        }

        var logs = string.Join("\n", Host.Logs.Lines);
        Assert.Contains(treated[0], logs + raw, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, raw, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
    }

    private async Task<string> ActiveDefinitionAsync()
    {
        using var created = await Send(Host.Client, HttpMethod.Post, "api/coupons/definitions", new
        {
            name = "Wallet 5 off",
            kind = "fixedAmount",
            tierBenefits = new Dictionary<string, object> { ["regular"] = new { kind = "fixedAmount", amount = 5 } },
            validity = new { days = 7 },
            totalQuantity = 10,
            perMemberLimit = 1,
        }, principal: "alice; roles=CampaignManager");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var activated = await Send(Host.Client, HttpMethod.Post, $"api/coupons/definitions/{id}/activate", null, principal: "alice; roles=CampaignManager");
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        return id;
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, object? body, string? principal = null, string? idempotencyKey = null, string? key = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (principal is not null)
        {
            request.Headers.Add(PrincipalHeader, principal);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        return await client.SendAsync(request);
    }

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static bool IsProblem(HttpResponseMessage response) => response.Content.Headers.ContentType?.MediaType == "application/problem+json";

    /// <summary>A concrete URL for an OpenAPI path (unknown ids: authentication must be decided before any lookup).</summary>
    private static string Fill(string path) =>
        System.Text.RegularExpressions.Regex.Replace(path, @"\{(\w+)\}", m => m.Groups[1].Value == "date" ? "2026-01-01" : "sec" + m.Groups[1].Value.ToLowerInvariant()).TrimStart('/');
}
