namespace BorderGate.Actors.Tests.Grains;

public sealed class Account
{
    public int Balance { get; set; }

    public List<string> History { get; set; } = [];

    public Node? Link { get; set; }
}

public sealed class Node
{
    public Node? Next { get; set; }
}

public interface IAccountGrain : IGrainWithStringKey
{
    Task<int> Deposit(int amount);

    Task<int> Balance();

    Task<string?> ETag();

    Task<bool> RecordExists();

    Task Clear();

    /// <summary>Sets a value that has no JSON form (a cycle), then tries to store it.</summary>
    Task StoreUnserializable();

    Task<IReadOnlyList<string>> History();
}

public sealed class AccountGrain([PersistentState("account")] IPersistentState<Account> account) : Grain, IAccountGrain
{
    public async Task<int> Deposit(int amount)
    {
        account.State.Balance += amount;
        account.State.History.Add($"+{amount}");
        await account.WriteStateAsync();
        return account.State.Balance;
    }

    public Task<int> Balance() => Task.FromResult(account.State.Balance);

    public Task<string?> ETag() => Task.FromResult(account.ETag);

    public Task<bool> RecordExists() => Task.FromResult(account.RecordExists);

    public Task Clear() => account.ClearStateAsync();

    public Task StoreUnserializable()
    {
        var node = new Node();
        node.Next = node;
        account.State.Balance += 1_000_000;
        account.State.Link = node;
        return account.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> History() => Task.FromResult<IReadOnlyList<string>>(account.State.History);
}

public interface IMisconfiguredGrain : IGrainWithStringKey
{
    Task Ping();
}

/// <summary>Asks for a storage provider nobody registered.</summary>
public sealed class MisconfiguredGrain([PersistentState("x", "NoSuchStorage")] IPersistentState<Account> state) : Grain, IMisconfiguredGrain
{
    public Task Ping() => Task.FromResult(state.State.Balance);
}
