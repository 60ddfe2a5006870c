using BorderGate.Actors.Membership;
using BorderGate.Actors.Postgres.Internal;
using BorderGate.Actors.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BorderGate.Actors.Postgres;

public static class PostgresActorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the PostgreSQL providers: grain storage (keyed under <paramref name="storageName"/>), the reminder
    /// table, the event log and the cluster's membership table and grain directory, plus the schema migrator run at start.
    /// </summary>
    public static IServiceCollection AddPostgresActorProviders(this IServiceCollection services, Action<PostgresActorOptions> configure, string storageName = ProviderNames.Default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresActorOptions();
        configure(options);
        options.Validate();

        // The membership table and grain directory of a cluster on this database (used only by cluster silos).
        services.TryAddSingleton<IMembershipTable>(sp => new PostgresMembershipTable(sp.GetRequiredKeyedService<PostgresDatabase>(storageName)));
        services.TryAddSingleton<IGrainDirectoryTable>(sp => new PostgresGrainDirectory(sp.GetRequiredKeyedService<PostgresDatabase>(storageName)));
        return services.AddStorageProvider(
            storageName,
            sp => new PostgresDatabase(
                options,
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance),
            database => new PostgresGrainStorage(database),
            database => new PostgresReminderTable(database),
            database => new PostgresEventLog(database),
            database => new PostgresSchemaMigrator(database));
    }
}
