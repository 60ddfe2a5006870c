namespace BorderGate.Actors;

/// <summary>Marker for grain interfaces. Grain interfaces derive from <see cref="IGrainWithStringKey"/>.</summary>
public interface IGrain;
