namespace BorderGate.Contracts.Site;

internal sealed partial class SiteLayoutCheck
{
    // Slot ids are written "A-01-03": two digits for the row and the bay.
    private const int MaxRowsOrBays = 99;

    private void CheckLanes()
    {
        var lanes = layout.Lanes ?? [];
        if (lanes.Count == 0)
        {
            Problem("lanes is empty: a crossing needs at least one lane.");
            return;
        }

        UniqueIds("lanes", lanes, lane => lane.Id);
        for (var i = 0; i < lanes.Count; i++)
        {
            if (lanes[i] is not { } lane)
            {
                continue;
            }

            var name = $"lanes[{i}] ({lane.Id})";
            if (!Enum.IsDefined(lane.Kind))
            {
                Problem($"{name}.kind '{lane.Kind}' is not a lane kind.");
            }

            if (!Enum.IsDefined(lane.Direction))
            {
                Problem($"{name}.direction '{lane.Direction}' is not a lane direction.");
            }

            if (lane.Devices is not { } devices)
            {
                Problem($"{name}.devices is missing.");
                continue;
            }

            RegisterDevice($"{name}.devices.plateCameraId", devices.PlateCameraId, $"the plate camera of {lane.Id}");
            RegisterDevice($"{name}.devices.weighbridgeId", devices.WeighbridgeId, $"the weighbridge of {lane.Id}");
            RegisterDevice($"{name}.devices.barrierId", devices.BarrierId, $"the barrier of {lane.Id}");
        }

        // A direction no lane serves would leave its trucks queued forever.
        foreach (var direction in new[] { LaneDirection.Export, LaneDirection.Import })
        {
            if (!lanes.Any(lane => lane is not null && (lane.Direction == direction || lane.Direction == LaneDirection.Both)))
            {
                Problem($"No lane serves {direction.ToString().ToLowerInvariant()} trucks: give some lane direction '{direction.ToString().ToLowerInvariant()}' or 'both'.");
            }
        }
    }

    private HashSet<string> CheckYardBlocks()
    {
        var blocks = layout.YardBlocks ?? [];
        if (blocks.Count == 0)
        {
            Problem("yardBlocks is empty: containers would have nowhere to go.");
        }

        var ids = UniqueIds("yardBlocks", blocks, block => block.Id);
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i] is not { } block)
            {
                continue;
            }

            if (block.Rows is <= 0 or > MaxRowsOrBays)
            {
                Problem($"yardBlocks[{i}] ({block.Id}).rows must be between 1 and {MaxRowsOrBays}; it is {block.Rows}.");
            }

            if (block.Bays is <= 0 or > MaxRowsOrBays)
            {
                Problem($"yardBlocks[{i}] ({block.Id}).bays must be between 1 and {MaxRowsOrBays}; it is {block.Bays}.");
            }
        }

        return ids;
    }

    private void CheckCranes(HashSet<string> blocks)
    {
        var cranes = layout.Cranes ?? [];
        if (cranes.Count == 0)
        {
            Problem("cranes is empty: no container could be moved.");
        }

        UniqueIds("cranes", cranes, crane => crane.Id);
        var served = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < cranes.Count; i++)
        {
            if (cranes[i] is not { } crane)
            {
                continue;
            }

            var name = $"cranes[{i}] ({crane.Id})";
            RegisterDevice($"{name}.controllerId", crane.ControllerId, $"the controller of {crane.Id}");
            if (!(crane.SpeedMetresPerSecond > 0) || double.IsInfinity(crane.SpeedMetresPerSecond))
            {
                Problem($"{name}.speedMetresPerSecond must be positive; it is {Format(crane.SpeedMetresPerSecond)}.");
            }

            var railValid = crane.RailStartX < crane.RailEndX;
            if (!railValid)
            {
                Problem($"{name}: railStartX ({Format(crane.RailStartX)}) must be less than railEndX ({Format(crane.RailEndX)}).");
            }

            if (crane.Blocks is not { Count: > 0 })
            {
                Problem($"{name}.blocks is empty: a crane must serve at least one yard block.");
                continue;
            }

            var own = new HashSet<string>(StringComparer.Ordinal);
            foreach (var block in crane.Blocks)
            {
                if (block is null || !blocks.Contains(block))
                {
                    Problem($"{name}.blocks names '{block}', which is not a yard block.");
                }
                else if (!own.Add(block))
                {
                    Problem($"{name}.blocks lists '{block}' twice.");
                }
                else
                {
                    served.Add(block);
                    if (railValid && layout.YardBlocks.FirstOrDefault(b => b?.Id == block) is { Bays: > 0 and <= MaxRowsOrBays } yardBlock
                        && (yardBlock.BayX(1) < crane.RailStartX || yardBlock.BayX(yardBlock.Bays) > crane.RailEndX))
                    {
                        Problem($"{name}: its rail ({Format(crane.RailStartX)} to {Format(crane.RailEndX)}) does not reach every bay of block {block} ({Format(yardBlock.BayX(1))} to {Format(yardBlock.BayX(yardBlock.Bays))}).");
                    }
                }
            }
        }

        foreach (var block in blocks.Where(b => !served.Contains(b)).Order(StringComparer.Ordinal))
        {
            Problem($"Yard block '{block}' is served by no crane: its slots could never be filled or emptied.");
        }
    }
}
