using BorderGate.Actors.Reminders;
using BorderGate.Actors.Storage;
using BorderGate.Actors.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Memory;

public static class MemoryProviderServiceCollectionExtensions
{
    /// <summary>Adds in-memory grain storage (under <paramref name="storageName"/>), reminders and event log.</summary>
    public static IServiceCollection AddMemoryActorProviders(this IServiceCollection services, string storageName = ProviderNames.Default)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddKeyedSingleton<IGrainStorage>(storageName, new MemoryGrainStorage());
        services.AddSingleton<IReminderTable>(new MemoryReminderTable());
        services.AddSingleton<IEventLog>(new MemoryEventLog());
        return services;
    }
}
