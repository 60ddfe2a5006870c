using BorderGate.Actors.Memory;
using BorderGate.Actors.Postgres;
using BorderGate.Actors.Sqlite;
using Microsoft.Extensions.Options;

namespace BorderGate.Silo.Hosting;

/// <summary>Adds the storage providers the configuration names; rejects a bad configuration at start with a clear message.</summary>
internal static class StorageSetup
{
    public static SiloOptions AddSiloStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>() ?? new SiloOptions();
        services.AddSingleton(Options.Create(options));
        switch (options.Storage)
        {
            case var kind when string.Equals(kind, SiloOptions.StorageKinds.Sqlite, StringComparison.OrdinalIgnoreCase):
                if (string.IsNullOrWhiteSpace(options.DataDirectory))
                {
                    throw new OptionsValidationException(nameof(SiloOptions.DataDirectory), typeof(SiloOptions), ["BorderGate:DataDirectory must name a directory for the SQLite database."]);
                }

                services.AddSqliteActorProviders(o => o.DataDirectory = Path.GetFullPath(options.DataDirectory));
                break;
            case var kind when string.Equals(kind, SiloOptions.StorageKinds.Postgres, StringComparison.OrdinalIgnoreCase):
                if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
                {
                    throw new OptionsValidationException(nameof(SiloOptions.PostgresConnectionString), typeof(SiloOptions), ["BorderGate:Storage is Postgres but BorderGate:PostgresConnectionString is empty."]);
                }

                services.AddPostgresActorProviders(o => o.ConnectionString = options.PostgresConnectionString);
                break;
            case var kind when string.Equals(kind, SiloOptions.StorageKinds.Memory, StringComparison.OrdinalIgnoreCase):
                services.AddMemoryActorProviders();
                break;
            default:
                throw new OptionsValidationException(nameof(SiloOptions.Storage), typeof(SiloOptions),
                    [$"BorderGate:Storage is '{options.Storage}'; use Sqlite (default), Postgres or Memory."]);
        }

        services.AddSingleton(new SiloStatus(options.Storage));
        return options;
    }
}
