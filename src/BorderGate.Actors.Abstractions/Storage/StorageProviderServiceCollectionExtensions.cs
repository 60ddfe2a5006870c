using BorderGate.Actors.Reminders;
using BorderGate.Actors.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BorderGate.Actors.Storage;

/// <summary>Registration for storage providers that serve grain state, reminders and the event log from one store.</summary>
public static class StorageProviderServiceCollectionExtensions
{
    /// <summary>
    /// Registers a provider's store as a singleton keyed under <paramref name="storageName"/>, and on it: the
    /// grain storage (keyed under <paramref name="storageName"/>), the reminder table and the event log (each
    /// unless one is registered already), and the store's initializer, run by the host at start.
    /// </summary>
    /// <typeparam name="TStore">The provider's store (a database, a connection pool) that the services share.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="storageName">The provider's name, which keys the store and the grain storage.</param>
    /// <param name="createStore">Creates the store, once, on first use.</param>
    /// <param name="createGrainStorage">Creates the grain storage on the store.</param>
    /// <param name="createReminderTable">Creates the reminder table on the store.</param>
    /// <param name="createEventLog">Creates the event log on the store.</param>
    /// <param name="createInitializer">Creates what prepares the store at start (its schema).</param>
    public static IServiceCollection AddStorageProvider<TStore>(
        this IServiceCollection services,
        string storageName,
        Func<IServiceProvider, TStore> createStore,
        Func<TStore, IGrainStorage> createGrainStorage,
        Func<TStore, IReminderTable> createReminderTable,
        Func<TStore, IEventLog> createEventLog,
        Func<TStore, IStorageInitializer> createInitializer)
        where TStore : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(createStore);
        ArgumentNullException.ThrowIfNull(createGrainStorage);
        ArgumentNullException.ThrowIfNull(createReminderTable);
        ArgumentNullException.ThrowIfNull(createEventLog);
        ArgumentNullException.ThrowIfNull(createInitializer);

        services.AddKeyedSingleton<TStore>(storageName, (sp, _) => createStore(sp));
        services.AddKeyedSingleton<IGrainStorage>(storageName, (sp, _) => createGrainStorage(sp.GetRequiredKeyedService<TStore>(storageName)));
        services.TryAddSingleton<IReminderTable>(sp => createReminderTable(sp.GetRequiredKeyedService<TStore>(storageName)));
        services.TryAddSingleton<IEventLog>(sp => createEventLog(sp.GetRequiredKeyedService<TStore>(storageName)));
        services.AddSingleton<IStorageInitializer>(sp => createInitializer(sp.GetRequiredKeyedService<TStore>(storageName)));
        return services;
    }
}
