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
        var service = new SidecarOrchestrationService(
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
    public void Sidecar_reports_the_configured_concurrency_instead_of_the_providers()
    {
        var provider = new Mock<IOrchestrationService>();
        provider.SetupGet(p => p.MaxConcurrentTaskActivityWorkItems).Returns(2);
        provider.SetupGet(p => p.MaxConcurrentTaskOrchestrationWorkItems).Returns(2);

        var service = new SidecarOrchestrationService(
            provider.Object,
            Mock.Of<IOrchestrationServiceClient>(),
            new SidecarServiceBehaviour { MaxConcurrentActivityWorkItems = 250, MaxConcurrentOrchestrationWorkItems = 40 },
            NullLogger.Instance);

        Assert.Equal((250, 40), (service.MaxConcurrentTaskActivityWorkItems, service.MaxConcurrentTaskOrchestrationWorkItems));
    }

    [Fact]
    public async Task Provider_is_stopped_once_however_often_stop_is_called()
    {
        var provider = new Mock<IOrchestrationService>();
        provider.Setup(p => p.StopAsync(false)).Returns(Task.CompletedTask);
        var service = new SidecarOrchestrationService(
            provider.Object, Mock.Of<IOrchestrationServiceClient>(), new SidecarServiceBehaviour(), NullLogger.Instance);

        await Task.WhenAll(service.StopAsync(), service.StopAsync(), service.StopAsync(isForced: false));

        provider.Verify(p => p.StopAsync(false), Times.Once);
    }
}
