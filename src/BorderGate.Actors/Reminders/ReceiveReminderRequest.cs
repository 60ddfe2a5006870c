using BorderGate.Actors.Invocation;

namespace BorderGate.Actors.Reminders;

/// <summary>The call <see cref="IRemindable.ReceiveReminder"/>, written by hand: IRemindable lives in the abstractions, which have no generated code.</summary>
internal readonly struct ReceiveReminderRequest(string reminderName, TickStatus status) : IGrainRequest<VoidResult>
{
    private static readonly GrainMethodInfo s_method = new(
        typeof(IRemindable), nameof(IRemindable.ReceiveReminder), "BorderGate.Actors.IRemindable.ReceiveReminder(System.String,BorderGate.Actors.TickStatus)");

    /// <summary>The method as a silo takes it from another (a tick fired on one silo for a grain living on another).</summary>
    public static GrainMethodEntry Entry { get; } = new(
        s_method,
        [typeof(string), typeof(TickStatus)],
        typeof(VoidResult),
        static (target, args) => GrainInvokeHelpers.Box(((RemindableReference)target).ReceiveReminder((string)args[0]!, (TickStatus)args[1]!)));

    public GrainMethodInfo Method => s_method;

    public ValueTask<VoidResult> Invoke(object grain) =>
        GrainInvokeHelpers.FromTask(((IRemindable)grain).ReceiveReminder(reminderName, status));

    public object?[] GetArguments() => [reminderName, status];
}

/// <summary>A reference used only to deliver reminder ticks.</summary>
internal sealed class RemindableReference(IGrainCallInvoker invoker, GrainId grainId) : GrainReference(invoker, grainId)
{
    public ValueTask<VoidResult> ReceiveReminder(string reminderName, TickStatus status) =>
        InvokeAsync<ReceiveReminderRequest, VoidResult>(new ReceiveReminderRequest(reminderName, status));
}

/// <summary>A reminder as grains see it.</summary>
internal sealed record GrainReminder(string ReminderName, TimeSpan Period, string ETag) : IGrainReminder;
