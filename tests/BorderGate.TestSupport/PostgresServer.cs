using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BorderGate.TestSupport;

/// <summary>
/// The PostgreSQL server tests use: the one named by BORDERGATE_TEST_POSTGRES (scripts/test.sh starts one),
/// else a throwaway server started once per process from the machine's binaries and removed at exit.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "BORDERGATE_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> s_connectionString = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A connection string to the server's maintenance database (superuser).</summary>
    public static Task<string> GetConnectionStringAsync() => s_connectionString.Value;

    /// <summary>The directory holding initdb and pg_ctl, from PATH or Debian's PostgreSQL 15 location; null when absent.</summary>
    public static string? FindBinaries() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/lib/postgresql/15/bin")
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));

    private static async Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var server = await ThrowawayPostgres.StartAsync(maxConnections: 300).ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server.ConnectionString;
    }
}

/// <summary>A PostgreSQL server in a temp directory on a free loopback port, stopped and deleted on dispose.</summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _root;
    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;

    private ThrowawayPostgres(string connectionString, string root, string binDirectory, bool asPostgresUser)
    {
        ConnectionString = connectionString;
        _root = root;
        _binDirectory = binDirectory;
        _asPostgresUser = asPostgresUser;
    }

    public string ConnectionString { get; }

    public static async Task<ThrowawayPostgres> StartAsync(int maxConnections = 200, string extraSettings = "")
    {
        var bin = PostgresServer.FindBinaries()
            ?? throw new InvalidOperationException($"PostgreSQL binaries (initdb, pg_ctl) were not found; install postgresql-15 or set {PostgresServer.EnvironmentVariable}.");
        RemoveStaleServers();
        var root = Directory.CreateTempSubdirectory("bordergate-test-pg-").FullName;
        // PostgreSQL refuses to run as root, so as root the server runs as the postgres user.
        var asPostgres = Environment.UserName == "root";
        if (asPostgres)
        {
            await RunAsync("chown", $"-R postgres:postgres {root}").ConfigureAwait(false);
        }

        var port = FreePort();
        await RunPgAsync(bin, asPostgres, "initdb", $"-D {root}/data -U postgres -A trust --no-sync -E UTF8").ConfigureAwait(false);
        await RunPgAsync(bin, asPostgres, "pg_ctl",
            $"-D {root}/data -l {root}/server.log -w -o \"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections={maxConnections} {extraSettings}\" start").ConfigureAwait(false);
        return new ThrowawayPostgres($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", root, bin, asPostgres);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunPgAsync(_binDirectory, _asPostgresUser, "pg_ctl", $"-D {_root}/data -m immediate -w stop").ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>A test process may be killed before it has removed its server's files; they are removed by the next one.</summary>
    private static void RemoveStaleServers()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "bordergate-test-pg-*"))
        {
            if (!File.Exists(Path.Combine(directory, "data", "postmaster.pid")))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunPgAsync(string bin, bool asPostgres, string tool, string arguments) =>
        asPostgres
            ? RunAsync("runuser", $"-u postgres -- {Path.Combine(bin, tool)} {arguments}")
            : RunAsync(Path.Combine(bin, tool), arguments);

    private static async Task RunAsync(string fileName, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {arguments} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}");
        }
    }
}
