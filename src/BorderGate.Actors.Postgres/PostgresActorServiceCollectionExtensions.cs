using BorderGate.Actors.Postgres.Internal;
using BorderGate.Actors.Reminders;
using BorderGate.Actors.Storage;
using BorderGate.Actors.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BorderGate.Actors.Postgres;

public static class PostgresActorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the PostgreSQL providers: grain storage (keyed under <paramref name="storageName"/>), the reminder
    /// table and the event log, plus the schema migrator run at start.
    /// </summary>
    public static IServiceCollection AddPostgresActorProviders(this IServiceCollection services, Action<PostgresActorOptions> configure, string storageName = ProviderNames.Default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresActorOptions();
        configure(options);
        options.Validate();

        services.AddKeyedSingleton(storageName, (sp, _) => new PostgresDatabase(
            options,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.AddKeyedSingleton<IGrainStorage>(storageName, (sp, _) => new PostgresGrainStorage(sp.GetRequiredKeyedService<PostgresDatabase>(storageName)));
        services.TryAddSingleton<IReminderTable>(sp => new PostgresReminderTable(sp.GetRequiredKeyedService<PostgresDatabase>(storageName)));
        services.TryAddSingleton<IEventLog>(sp => new PostgresEventLog(sp.GetRequiredKeyedService<PostgresDatabase>(storageName)));
        services.AddSingleton<IStorageInitializer>(sp => new PostgresSchemaMigrator(sp.GetRequiredKeyedService<PostgresDatabase>(storageName)));
        return services;
    }
}
