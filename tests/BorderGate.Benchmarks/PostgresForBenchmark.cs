using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BorderGate.Benchmarks;

/// <summary>
/// The PostgreSQL the benchmark writes to: the one named by BORDERGATE_BENCH_POSTGRES (or the test script's
/// BORDERGATE_TEST_POSTGRES), else a throwaway server started from the machine's binaries and removed after.
/// </summary>
internal sealed class PostgresForBenchmark : IAsyncDisposable
{
    private readonly string? _dataRoot;
    private readonly string? _binDirectory;
    private readonly bool _asPostgresUser;

    private PostgresForBenchmark(string connectionString, string? dataRoot = null, string? binDirectory = null, bool asPostgresUser = false)
    {
        ConnectionString = connectionString;
        _dataRoot = dataRoot;
        _binDirectory = binDirectory;
        _asPostgresUser = asPostgresUser;
    }

    public string ConnectionString { get; }

    public static async Task<PostgresForBenchmark?> StartAsync(TextWriter log)
    {
        var configured = Environment.GetEnvironmentVariable("BORDERGATE_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("BORDERGATE_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new PostgresForBenchmark(configured);
        }

        var bin = FindBinaries();
        if (bin is null)
        {
            return null;
        }

        var root = Directory.CreateTempSubdirectory("bordergate-bench-pg-").FullName;
        var asPostgres = Environment.UserName == "root";
        var port = FreePort();
        if (asPostgres)
        {
            await RunAsync("chown", $"-R postgres:postgres {root}");
        }

        await RunPgAsync(bin, asPostgres, "initdb", $"-D {root}/data -U postgres -A trust --no-sync -E UTF8");
        await RunPgAsync(bin, asPostgres, "pg_ctl",
            $"-D {root}/data -l {root}/server.log -w -o \"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB\" start");
        log.WriteLine($"# postgres: throwaway server on 127.0.0.1:{port} from {bin}");
        return new PostgresForBenchmark($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Maximum Pool Size=64", root, bin, asPostgres);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataRoot is null || _binDirectory is null)
        {
            return;
        }

        await RunPgAsync(_binDirectory, _asPostgresUser, "pg_ctl", $"-D {_dataRoot}/data -m immediate -w stop");
        Directory.Delete(_dataRoot, recursive: true);
    }

    private static string? FindBinaries()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Append("/usr/lib/postgresql/15/bin");
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
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
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {arguments} failed ({process.ExitCode}): {await stderr}");
        }
    }
}
