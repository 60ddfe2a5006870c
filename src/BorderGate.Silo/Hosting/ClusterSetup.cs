using System.Net;
using System.Net.Sockets;
using BorderGate.Actors.Cluster;
using BorderGate.Actors.Hosting;
using BorderGate.Actors.Membership;
using Microsoft.Extensions.Options;

namespace BorderGate.Silo.Hosting;

/// <summary>Turns <c>BorderGate:Cluster</c> into the runtime's cluster options; a bad value stops the start with a message naming it.</summary>
internal static class ClusterSetup
{
    public static ActorRuntimeBuilder UseSiloCluster(this ActorRuntimeBuilder runtime, SiloOptions silo)
    {
        if (ToClusterOptions(silo) is { } options)
        {
            // The options themselves, not a copy made setting by setting (such a copy once left the client port out, so
            // that clients were sent to the silo port).
            runtime.UseCluster(options);
        }

        return runtime;
    }

    /// <summary>The cluster options the settings describe, null when the silo runs alone.</summary>
    /// <exception cref="OptionsValidationException">A setting is missing or out of range.</exception>
    public static ClusterOptions? ToClusterOptions(SiloOptions silo)
    {
        var settings = silo.Cluster;
        if (!settings.Enabled)
        {
            return null;
        }

        if (!string.Equals(silo.Storage, SiloOptions.StorageKinds.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"BorderGate:Cluster:Enabled needs BorderGate:Storage = Postgres (the membership table and grain directory live there), not '{silo.Storage}'.");
        }

        if (!IPAddress.TryParse(settings.ListenAddress, out var listen))
        {
            throw Invalid($"BorderGate:Cluster:ListenAddress '{settings.ListenAddress}' is not an IP address.");
        }

        if (settings.SiloPort is < 1 or > 65535)
        {
            throw Invalid($"BorderGate:Cluster:SiloPort {settings.SiloPort} is not a port (1-65535).");
        }

        if (settings.ClientPort is < 0 or > 65535)
        {
            throw Invalid($"BorderGate:Cluster:ClientPort {settings.ClientPort} is not a port (1-65535, or 0 for none).");
        }

        var advertised = Advertised(settings, listen);
        var options = new ClusterOptions
        {
            ClusterId = settings.ClusterId,
            SiloEndpoint = new IPEndPoint(listen, settings.SiloPort),
            AdvertisedEndpoint = advertised is null ? null : new IPEndPoint(advertised, settings.SiloPort),
            ClientEndpoint = settings.ClientPort == 0 ? null : new IPEndPoint(listen, settings.ClientPort),
            AdvertisedClientEndpoint = advertised is null || settings.ClientPort == 0 ? null : new IPEndPoint(advertised, settings.ClientPort),
            RerouteWait = settings.RerouteWait,
            MaxConcurrentCalls = settings.MaxConcurrentCalls,
            Membership = new MembershipOptions
            {
                ProbeInterval = settings.ProbeInterval,
                ProbeTimeout = settings.ProbeTimeout,
                MissedProbesToSuspect = settings.MissedProbesToSuspect,
                VotesToDeclareDead = settings.VotesToDeclareDead,
                LeaseRenewal = settings.LeaseRenewal,
                LeaseDuration = settings.LeaseDuration,
            },
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException exception)
        {
            // The runtime names its settings Cluster:X and Membership:X; here they are all BorderGate:Cluster:X.
            throw Invalid($"BorderGate:{exception.Message.Replace("Membership:", "Cluster:", StringComparison.Ordinal)}");
        }

        return options;
    }

    /// <summary>The address the others reach this silo at: the advertised host resolved now; null: the listen address, if it is not a wildcard.</summary>
    private static IPAddress? Advertised(ClusterSettings settings, IPAddress listen)
    {
        if (string.IsNullOrWhiteSpace(settings.AdvertisedHost))
        {
            return listen.Equals(IPAddress.Any) || listen.Equals(IPAddress.IPv6Any)
                ? throw Invalid("BorderGate:Cluster:ListenAddress is a wildcard: set BorderGate:Cluster:AdvertisedHost to the name or IP the other silos reach this one at.")
                : null;
        }

        if (IPAddress.TryParse(settings.AdvertisedHost, out var address))
        {
            return address;
        }

        try
        {
            var resolved = Dns.GetHostAddresses(settings.AdvertisedHost).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw Invalid($"BorderGate:Cluster:AdvertisedHost '{settings.AdvertisedHost}' has no IPv4 address.");
            return resolved;
        }
        catch (SocketException exception)
        {
            throw Invalid($"BorderGate:Cluster:AdvertisedHost '{settings.AdvertisedHost}' cannot be resolved: {exception.Message}");
        }
    }

    private static OptionsValidationException Invalid(string message) =>
        new(nameof(SiloOptions.Cluster), typeof(SiloOptions), [message]);
}
