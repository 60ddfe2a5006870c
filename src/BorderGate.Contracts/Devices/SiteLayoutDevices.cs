using BorderGate.Contracts.Site;

namespace BorderGate.Contracts.Devices;

/// <summary>Reads the devices of a site layout, each with its owner, in one place for the grains, the endpoint and the simulation.</summary>
public static class SiteLayoutDevices
{
    /// <summary>
    /// Every device of the layout: the entrance camera (owner: the gate), each lane's camera, weighbridge
    /// and barrier (owner: the lane), each crane's controller and each driverless truck's controller.
    /// </summary>
    public static IEnumerable<DeviceInfo> Devices(this SiteLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        yield return new DeviceInfo(layout.Entrance.PlateCameraId, DeviceKind.PlateCamera, DeviceOwnerKind.Gate, layout.CrossingId);
        foreach (var lane in layout.Lanes)
        {
            var owner = CrossingIds.Lane(layout.CrossingId, lane.Id);
            yield return new DeviceInfo(lane.Devices.PlateCameraId, DeviceKind.PlateCamera, DeviceOwnerKind.Lane, owner);
            yield return new DeviceInfo(lane.Devices.WeighbridgeId, DeviceKind.Weighbridge, DeviceOwnerKind.Lane, owner);
            yield return new DeviceInfo(lane.Devices.BarrierId, DeviceKind.Barrier, DeviceOwnerKind.Lane, owner);
        }

        foreach (var crane in layout.Cranes)
        {
            yield return new DeviceInfo(crane.ControllerId, DeviceKind.CraneController, DeviceOwnerKind.Crane, CrossingIds.Crane(layout.CrossingId, crane.Id));
        }

        foreach (var vehicle in layout.DriverlessTrucks)
        {
            yield return new DeviceInfo(vehicle.ControllerId, DeviceKind.VehicleController, DeviceOwnerKind.DriverlessTruck, CrossingIds.DriverlessTruck(layout.CrossingId, vehicle.Id));
        }
    }
}
