using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using BorderGate.Contracts.Auth;
using BorderGate.Contracts.Live;
using BorderGate.TestSupport;

namespace BorderGate.Benchmarks;

/// <summary>
/// The live mode's drivers' phones in a process of their own, as phones are not in the silo's: <c>live-phones URL N</c>
/// signs N drivers in (the plates <see cref="Plate"/> gives, each with its trip's declaration number), connects each to the
/// drivers' hub and follows its truck, prints <c>ready N</c>, holds them until a line comes on standard input, then
/// prints <c>open N</c> (the connections still open) and leaves.
/// </summary>
internal static class LivePhones
{
    public const string Mode = "live-phones";

    public static string Plate(int index) => string.Create(CultureInfo.InvariantCulture, $"{51 + (index / 100_000)}D{index % 100_000:D5}");

    public static async Task<int> RunAsync(string[] args)
    {
        var baseUri = new Uri(args[0]);
        var count = int.Parse(args[1], CultureInfo.InvariantCulture);
        var declaration = args[2];
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };
        var phones = new ConcurrentBag<HubTestClient>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            using var signIn = await http.PostAsJsonAsync(SignInRoutes.Driver, new DriverSignIn(Plate(i), declaration), ct);
            signIn.EnsureSuccessStatusCode();
            var token = (await signIn.Content.ReadFromJsonAsync<SignedIn>(ct))!.AccessToken;
            var phone = await HubTestClient.ConnectAsync(new Uri(baseUri, DriverHubRoutes.Path), token, ct);
            phones.Add(phone);
            await phone.InvokeAsync(DriverHubRoutes.Follow, [], ct);
        });
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {phones.Count}"));
        await Console.In.ReadLineAsync();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"open {phones.Count(p => p.IsOpen)}"));
        foreach (var phone in phones)
        {
            await phone.DisposeAsync();
        }

        return 0;
    }

    /// <summary>Starts the phones' process and waits until they all follow their trucks.</summary>
    public static async Task<Process> StartAsync(Uri baseUri, int count, string declaration)
    {
        var start = BenchmarkProcess.Again([Mode, baseUri.ToString(), count.ToString(CultureInfo.InvariantCulture), declaration]);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;

        // Real phones are elsewhere: on this machine they should take as little CPU from the silo and the browser as they
        // can (workstation GC, thread pool workers that do not spin).
        start.Environment.Remove("DOTNET_gcServer");
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        var process = Process.Start(start)!;
        var ready = await process.StandardOutput.ReadLineAsync();
        if (ready != string.Create(CultureInfo.InvariantCulture, $"ready {count}"))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The phones' process answered '{ready}', not 'ready {count}'.");
        }

        return process;
    }

    /// <summary>Tells the phones to leave; answers how many were still open.</summary>
    public static async Task<int> StopAsync(Process phones)
    {
        await phones.StandardInput.WriteLineAsync("stop");
        var open = await phones.StandardOutput.ReadLineAsync();
        await phones.WaitForExitAsync();
        return open is { } line && line.StartsWith("open ", StringComparison.Ordinal) ? int.Parse(line[5..], CultureInfo.InvariantCulture) : 0;
    }
}
