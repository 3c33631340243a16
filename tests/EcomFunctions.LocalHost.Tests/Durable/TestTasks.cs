using Microsoft.DurableTask;

namespace EcomFunctions.LocalHost.Tests.Durable;

public sealed record TimerRequest(int Value, int DelaySeconds);

public sealed record TimerOutcome(int Doubled, DateTime FireAt, DateTime ResumedAt);

public sealed record ApprovalDecision(bool Approved, string Comment);

/// <summary>
/// Small orchestrations covering the engine features the App relies on. Registered with typed inputs: the untyped
/// <c>AddOrchestratorFunc</c> overloads deserialize the input as <see cref="object"/>, after which <c>GetInput&lt;T&gt;()</c> fails.
/// </summary>
internal static class TestTasks
{
    public const string ActivityThenTimer = nameof(ActivityThenTimer);
    public const string AwaitApproval = nameof(AwaitApproval);
    public const string CountUp = nameof(CountUp);
    public const string Parent = nameof(Parent);
    public const string Child = nameof(Child);
    public const string Double = nameof(Double);
    public const string Increment = nameof(Increment);
    public const string ApprovalEvent = "Approval";
    public const string TaggedChildSuffix = "-tagged";
    public const string UntaggedChildSuffix = "-untagged";
    public const int CountUpTarget = 3;

    public static void Register(DurableTaskRegistry tasks)
    {
        tasks.AddActivityFunc<int, int>(Double, (_, value) => value * 2);
        tasks.AddActivityFunc<int, int>(Increment, (_, value) => value + 1);

        tasks.AddOrchestratorFunc<TimerRequest, TimerOutcome>(ActivityThenTimer, async (context, request) =>
        {
            var doubled = await context.CallActivityAsync<int>(Double, request.Value);
            var fireAt = context.CurrentUtcDateTime.AddSeconds(request.DelaySeconds);
            await context.CreateTimer(fireAt, CancellationToken.None);
            return new TimerOutcome(doubled, fireAt, context.CurrentUtcDateTime);
        });

        tasks.AddOrchestratorFunc<string, string>(AwaitApproval, async (context, subject) =>
        {
            var decision = await context.WaitForExternalEvent<ApprovalDecision>(ApprovalEvent, TimeSpan.FromMinutes(5));
            return $"{subject}:{decision.Approved}:{decision.Comment}";
        });

        tasks.AddOrchestratorFunc<int, int>(CountUp, async (context, count) =>
        {
            if (count >= CountUpTarget)
            {
                return count;
            }

            var next = await context.CallActivityAsync<int>(Increment, count);
            context.ContinueAsNew(next);
            return -1;
        });

        tasks.AddOrchestratorFunc<int, int>(Parent, async (context, value) =>
        {
            var tagged = context.CallSubOrchestratorAsync<int>(
                Child, value, new TaskOptions(tags: new Dictionary<string, string> { ["origin"] = "parent" })
                    .WithInstanceId(context.InstanceId + TaggedChildSuffix));
            var untagged = context.CallSubOrchestratorAsync<int>(
                Child, value + 1, new SubOrchestrationOptions(instanceId: context.InstanceId + UntaggedChildSuffix));
            return await tagged + await untagged;
        });

        tasks.AddOrchestratorFunc<int, int>(Child, (context, value) => context.CallActivityAsync<int>(Double, value));
    }
}
