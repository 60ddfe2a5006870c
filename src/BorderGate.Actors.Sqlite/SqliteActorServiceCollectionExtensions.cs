using BorderGate.Actors.Reminders;
using BorderGate.Actors.Sqlite.Internal;
using BorderGate.Actors.Storage;
using BorderGate.Actors.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

        services.AddKeyedSingleton(storageName, (sp, _) => new SqliteDatabase(
            options,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILoggerFactory>()?.CreateLogger<SqliteDatabase>() ?? NullLogger<SqliteDatabase>.Instance));
        services.AddKeyedSingleton<IGrainStorage>(storageName, (sp, _) => new SqliteGrainStorage(sp.GetRequiredKeyedService<SqliteDatabase>(storageName)));
        services.TryAddSingleton<IReminderTable>(sp => new SqliteReminderTable(sp.GetRequiredKeyedService<SqliteDatabase>(storageName)));
        services.TryAddSingleton<IEventLog>(sp => new SqliteEventLog(sp.GetRequiredKeyedService<SqliteDatabase>(storageName)));
        services.AddSingleton<IStorageInitializer>(sp => new SqliteSchemaMigrator(sp.GetRequiredKeyedService<SqliteDatabase>(storageName)));
        return services;
    }
}
