using DurableTask.Core;
using DurableTask.Core.History;
using EcomFunctions.LocalHost.Durable;
using Google.Protobuf.Collections;
using Microsoft.DurableTask.Testing.Sidecar.Dispatcher;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace EcomFunctions.LocalHost.Tests.Durable;

/// <summary>The provider wrapper in isolation: what reaches the provider when the sidecar completes an episode.</summary>
public sealed class SidecarOrchestrationServiceTests
{
    private static readonly OrchestrationInstance Parent = new() { InstanceId = "campaign-42", ExecutionId = "e1" };

    [Fact]
    public async Task Sidecar_sub_orchestration_event_and_protobuf_tags_reach_the_provider_as_plain_types()
    {
        var runtimeState = new OrchestrationRuntimeState();
        runtimeState.AddEvent(new OrchestratorStartedEvent(-1));
        runtimeState.AddEvent(new ExecutionStartedEvent(-1, "{}") { Name = "Parent", OrchestrationInstance = Parent });
        var created = new GrpcSubOrchestrationInstanceCreatedEvent(3) { Name = "Child", InstanceId = "campaign-42-child", Input = "7", Version = "v1" };
        runtimeState.AddEvent(created);
        var protobufTags = new MapField<string, string> { ["origin"] = "parent" };
        var childStart = new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = "campaign-42-child", ExecutionId = "c1" },
            Event = new ExecutionStartedEvent(-1, "7") { Name = "Child", Tags = protobufTags },
        };
        var provider = new Mock<IOrchestrationService>();
        OrchestrationRuntimeState? saved = null;
        IList<TaskMessage>? sentMessages = null;
        provider
            .Setup(p => p.CompleteTaskOrchestrationWorkItemAsync(
                It.IsAny<TaskOrchestrationWorkItem>(), It.IsAny<OrchestrationRuntimeState>(), It.IsAny<IList<TaskMessage>>(),
                It.IsAny<IList<TaskMessage>>(), It.IsAny<IList<TaskMessage>>(), It.IsAny<TaskMessage>(), It.IsAny<OrchestrationState>()))
            .Callback((TaskOrchestrationWorkItem _, OrchestrationRuntimeState state, IList<TaskMessage> _, IList<TaskMessage> orchestratorMessages,
                IList<TaskMessage> _, TaskMessage _, OrchestrationState _) => (saved, sentMessages) = (state, orchestratorMessages))
            .Returns(Task.CompletedTask);
        using var service = new SidecarOrchestrationService(
            provider.Object, Mock.Of<IOrchestrationServiceClient>(), new SidecarServiceBehaviour(), NullLogger.Instance);

        await service.CompleteTaskOrchestrationWorkItemAsync(
            new TaskOrchestrationWorkItem { InstanceId = Parent.InstanceId }, runtimeState, [], [childStart], [], null!, new OrchestrationState());

        var stored = Assert.Single(saved!.NewEvents, e => e.EventType == EventType.SubOrchestrationInstanceCreated);
        Assert.Equal(typeof(SubOrchestrationInstanceCreatedEvent), stored.GetType());
        Assert.Same(stored, saved.Events.Single(e => e.EventType == EventType.SubOrchestrationInstanceCreated));
        var plain = (SubOrchestrationInstanceCreatedEvent)stored;
        Assert.Equal((3, "Child", "campaign-42-child", "7", "v1", created.Timestamp), (plain.EventId, plain.Name, plain.InstanceId, plain.Input, plain.Version, plain.Timestamp));
        var tags = ((ExecutionStartedEvent)Assert.Single(sentMessages!).Event).Tags;
        Assert.Equal(typeof(Dictionary<string, string>), tags!.GetType());
        Assert.Equal("parent", tags["origin"]);
    }

    [Fact]
    public async Task Activity_beyond_the_concurrency_limit_is_handed_out_only_when_one_finishes()
    {
        var provider = new Mock<IOrchestrationService>();
        provider
            .Setup(p => p.LockNextTaskActivityWorkItem(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new TaskActivityWorkItem { Id = Guid.NewGuid().ToString() });
        using var service = new SidecarOrchestrationService(
            provider.Object, Mock.Of<IOrchestrationServiceClient>(), new SidecarServiceBehaviour { MaxConcurrentActivityWorkItems = 2 }, NullLogger.Instance);
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var first = await service.LockNextTaskActivityWorkItem(TimeSpan.Zero, budget.Token);
        await service.LockNextTaskActivityWorkItem(TimeSpan.Zero, budget.Token);
        var third = service.LockNextTaskActivityWorkItem(TimeSpan.Zero, budget.Token);
        var waitedForASlot = !third.IsCompleted;
        await service.CompleteTaskActivityWorkItemAsync(first, new TaskMessage());
        await service.CompleteTaskActivityWorkItemAsync(first, new TaskMessage()); // a second completion frees nothing more
        var handedOut = await third;
        var fourth = service.LockNextTaskActivityWorkItem(TimeSpan.Zero, budget.Token);

        Assert.True(waitedForASlot);
        Assert.NotNull(handedOut);
        Assert.False(fourth.IsCompleted);
        Assert.Equal(1_000_000, service.MaxConcurrentTaskActivityWorkItems); // the sidecar's own 500 ms throttle never engages
    }

    [Fact]
    public async Task Prefetched_activities_not_handed_out_are_returned_to_the_provider_on_stop()
    {
        var fetched = new List<TaskActivityWorkItem>();
        var abandoned = new List<TaskActivityWorkItem>();
        var provider = new Mock<IOrchestrationService>();
        provider
            .Setup(p => p.LockNextTaskActivityWorkItem(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .Returns(async (TimeSpan _, CancellationToken stop) =>
            {
                lock (fetched)
                {
                    if (fetched.Count < 5)
                    {
                        var workItem = new TaskActivityWorkItem { Id = "m" + fetched.Count };
                        fetched.Add(workItem);
                        return workItem;
                    }
                }

                await Task.Delay(Timeout.Infinite, stop); // the queue is empty until the service stops
                return null!;
            });
        provider.Setup(p => p.AbandonTaskActivityWorkItemAsync(It.IsAny<TaskActivityWorkItem>()))
            .Callback((TaskActivityWorkItem workItem) => { lock (abandoned) { abandoned.Add(workItem); } })
            .Returns(Task.CompletedTask);
        provider.Setup(p => p.StopAsync(false)).Returns(Task.CompletedTask);
        using var service = new SidecarOrchestrationService(
            provider.Object, Mock.Of<IOrchestrationServiceClient>(), new SidecarServiceBehaviour { ActivityPrefetch = 2 }, NullLogger.Instance);
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var handedOut = await service.LockNextTaskActivityWorkItem(TimeSpan.Zero, budget.Token);
        while (CountOf(fetched) < 5)
        {
            await Task.Delay(10, budget.Token);
        }

        await service.StopAsync();

        Assert.Equal(fetched.Except([handedOut]).OrderBy(w => w.Id), abandoned.OrderBy(w => w.Id));
        provider.Verify(p => p.StopAsync(false), Times.Once);
    }

    [Fact]
    public async Task Provider_is_stopped_once_however_often_stop_is_called()
    {
        var provider = new Mock<IOrchestrationService>();
        provider.Setup(p => p.StopAsync(false)).Returns(Task.CompletedTask);
        using var service = new SidecarOrchestrationService(
            provider.Object, Mock.Of<IOrchestrationServiceClient>(), new SidecarServiceBehaviour(), NullLogger.Instance);

        await Task.WhenAll(service.StopAsync(), service.StopAsync(), service.StopAsync(isForced: false));

        provider.Verify(p => p.StopAsync(false), Times.Once);
    }

    private static int CountOf(List<TaskActivityWorkItem> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }
}
