using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using EcomFunctions.App.Platform;
using EcomFunctions.Domain.Platform;

namespace EcomFunctions.App.Tests.Platform;

public sealed class ReadValidatedAsyncTests
{
    public sealed record Line(string Sku, [property: Range(1, 99)] int Quantity);

    public sealed record Order(string MemberId, decimal Total, IReadOnlyList<Line> Lines, string? Note = null) : ISelfValidating
    {
        public void Validate(FieldErrors errors) => errors.AddIf(Total < 0, "total", "Must not be negative.");
    }

    [Fact]
    public async Task A_valid_body_is_read()
    {
        var request = TestHttp.Request("POST", "/api/orders", """{"memberId":"m1","total":12.5,"lines":[{"sku":"A","quantity":2}]}""");
        var order = await request.ReadValidatedAsync<Order>(CancellationToken.None);
        Assert.True(order.IsSuccess);
        Assert.Equal(12.5m, order.Value!.Total);
        Assert.Equal(2, order.Value.Lines[0].Quantity);
    }

    [Theory]
    [InlineData("{\"memberId\":\"m1\",", "$")]
    [InlineData("{\"total\":1,\"lines\":[]}", "$")]
    [InlineData("{\"memberId\":null,\"total\":1,\"lines\":[]}", "memberId")]
    [InlineData("{\"memberId\":\"m\",\"total\":\"ten\",\"lines\":[]}", "total")]
    [InlineData("{\"memberId\":\"m\",\"total\":-1,\"lines\":[]}", "total")]
    [InlineData("{\"memberId\":\"m\",\"total\":1,\"lines\":[{\"sku\":\"A\",\"quantity\":0}]}", "lines[0].quantity")]
    [InlineData("null", "$")]
    [InlineData("[]", "$")]
    [InlineData("", "$")]
    public async Task Malformed_or_invalid_bodies_are_400_with_the_field(string body, string field)
    {
        var request = TestHttp.Request("POST", "/api/orders", body);
        var order = await request.ReadValidatedAsync<Order>(CancellationToken.None);

        Assert.False(order.IsSuccess);
        Assert.Equal(ProblemKind.Validation, order.Problem!.Kind);
        Assert.Contains(field, order.Problem.Errors!.Keys);

        var (status, json, headers) = await TestHttp.ExecuteAsync(ApiResult.Problem(order.Problem, request), request);
        Assert.Equal(400, status);
        Assert.StartsWith("application/problem+json", headers.ContentType.ToString(), StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(json);
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("/api/orders", problem.RootElement.GetProperty("instance").GetString());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_body_not_declared_as_json_is_415()
    {
        var request = TestHttp.Request("POST", "/api/orders", "memberId=m1", "application/x-www-form-urlencoded");
        var order = await request.ReadValidatedAsync<Order>(CancellationToken.None);
        Assert.Equal(ProblemKind.UnsupportedMediaType, order.Problem!.Kind);
        Assert.Equal(415, ApiResult.StatusOf(order.Problem.Kind));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var big = "{\"memberId\":\"" + new string('m', 2_000_000) + "\",\"total\":1,\"lines\":[]}";
        var request = TestHttp.Request("POST", "/api/orders", big);
        var order = await request.ReadValidatedAsync<Order>(CancellationToken.None);
        Assert.Equal(ProblemKind.TooLarge, order.Problem!.Kind);
    }

    [Fact]
    public async Task Invalid_utf8_is_400()
    {
        var request = TestHttp.Request("POST", "/api/orders", "");
        var bytes = new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' };
        request.Body = new MemoryStream(bytes);
        request.ContentLength = bytes.Length;
        var order = await request.ReadValidatedAsync<Order>(CancellationToken.None);
        Assert.Equal(ProblemKind.Validation, order.Problem!.Kind);
    }
}
