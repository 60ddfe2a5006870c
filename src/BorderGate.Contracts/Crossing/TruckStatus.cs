namespace BorderGate.Contracts.Crossing;

/// <summary>Where a truck's current trip stands.</summary>
public enum TruckStatus
{
    /// <summary>No trip.</summary>
    None,

    /// <summary>Declared and validated; an arrival window is booked.</summary>
    Booked,

    /// <summary>Plate read at the entrance, in the waiting area, in the virtual queue.</summary>
    Waiting,

    /// <summary>Called forward to a lane.</summary>
    Called,

    /// <summary>In the lane's checkpoint sequence.</summary>
    InLane,

    /// <summary>Red channel: in (or waiting for) an inspection bay.</summary>
    Inspection,

    /// <summary>In the transfer yard: its container is moved by a crane.</summary>
    Transfer,

    /// <summary>Done: the container is handed over and the truck has left.</summary>
    Completed,

    /// <summary>Stopped, with a reason (no declaration, operator hold, failed check).</summary>
    Held,

    /// <summary>Did not arrive in time; the booking lapsed.</summary>
    NoShow,
}
