using BorderGate.Actors.Sqlite.Internal;
using BorderGate.Actors.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BorderGate.Actors.Sqlite;

public static class SqliteActorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the embedded SQLite providers: grain storage (keyed under <paramref name="storageName"/>), the
    /// reminder table and the event log, all in one database file, plus the schema migrator run at start.
    /// </summary>
    public static IServiceCollection AddSqliteActorProviders(this IServiceCollection services, Action<SqliteActorOptions> configure, string storageName = ProviderNames.Default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqliteActorOptions();
        configure(options);
        options.Validate();

        return services.AddStorageProvider(
            storageName,
            sp => new SqliteDatabase(
                options,
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetService<ILoggerFactory>()?.CreateLogger<SqliteDatabase>() ?? NullLogger<SqliteDatabase>.Instance),
            database => new SqliteGrainStorage(database),
            database => new SqliteReminderTable(database),
            database => new SqliteEventLog(database),
            database => new SqliteSchemaMigrator(database));
    }
}
