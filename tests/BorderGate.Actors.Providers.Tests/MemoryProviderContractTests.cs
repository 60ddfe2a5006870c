using BorderGate.Actors.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace BorderGate.Actors.Providers.Tests;

public sealed class MemoryProviderContractTests : ProviderContractTests
{
    protected override void AddProviders(IServiceCollection services) => services.AddMemoryActorProviders();
}
