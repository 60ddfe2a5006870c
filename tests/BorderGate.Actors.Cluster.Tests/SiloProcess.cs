using System.Diagnostics;

namespace BorderGate.Actors.Cluster.Tests;

/// <summary>A silo in a process of its own (BorderGate.ClusterTestHost), with its activation log in a file.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private SiloProcess(Process process, string name, string logPath)
    {
        _process = process;
        Name = name;
        LogPath = logPath;
    }

    public string Name { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    public static async Task<SiloProcess> StartAsync(string connectionString, string clusterId, string logPath)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BorderGate.ClusterTestHost.dll"));
        start.ArgumentList.Add(connectionString);
        start.ArgumentList.Add(clusterId);
        start.ArgumentList.Add(logPath);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _ = process.StandardError.ReadToEndAsync();
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (ready is null || !ready.StartsWith("ready ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"The silo process did not start: {ready}");
        }

        return new SiloProcess(process, ready["ready ".Length..], logPath);
    }

    /// <summary>SIGKILL: no chance to say anything to anyone.</summary>
    public void Kill() => _process.Kill();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            // Standard input closed: the host stops in order.
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        _process.Dispose();
    }
}
